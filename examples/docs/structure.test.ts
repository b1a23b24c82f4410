import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../emulator/core/paths.js';
import { runCli } from '../../emulator/testing/cli.js';
import { codeBlocks, documentationPages, runnableSections } from './markdown.js';

/**
 * What a reader of the README and docs/ can rely on without running anything: the README is a
 * first screen with the set-up commands at the top, every command is one that works after
 * `npm ci` (npx, not a bare binary), every link leads somewhere, nothing refers to what only the
 * authors know (issue or decision numbers), and the CLI reference has every flag of every command.
 */

const pages = documentationPages();
const readme = pages.find((page) => page.page === 'README.md')?.text ?? '';

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

function headings(markdown: string): string[] {
  const outside = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...outside.matchAll(/^#{1,6}\s+(.*)$/gm)].map((match) => slug(match[1] ?? ''));
}

describe('the README', () => {
  it('fits on a first screen or a few, with the two set-up commands at the top', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    const top = readme.split('\n').slice(0, 20).join('\n');
    expect(top).toContain('npm ci && npm start');
    expect(top).toContain('npm ci && npm test');
  });

  it('has the sections a new user looks for', () => {
    for (const heading of [
      'try-it-in-one-minute',
      'use-it-in-your-project',
      'use-it-in-ci',
      'point-a-real-flow-at-it',
      'example-flows',
    ])
      expect(headings(readme)).toContain(heading);
    expect(readme).toContain('npm i -D bookings-emulator');
    expect(readme).toContain('npm run example -- ');
    expect(readme).toMatch(/https:\/\/prod-00\.westeurope\.logic\.azure\.com/);
  });

  it('links every page of docs/', () => {
    for (const { page } of pages.filter((page) => page.page !== 'README.md'))
      expect(readme, `README.md does not link ${page}`).toContain(`](${page})`);
    for (const page of ['docs/control-api.md', 'docs/capture.md']) expect(readme).toContain(`](${page})`);
  });
});

describe('README.md and docs/', () => {
  it.each(pages.map((page) => [page.page, page.text] as const))(
    '%s: every local link resolves',
    (page, text) => {
      const prose = text.replace(/^```[\s\S]*?^```/gm, '');
      for (const [, target = ''] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path ? join(packageRoot, dirname(page), path) : join(packageRoot, page);
        expect(existsSync(file), `${page} links ${target}, which does not exist`).toBe(true);
        if (anchor && file.endsWith('.md'))
          expect(headings(readFileSync(file, 'utf8')), `${page} links ${target}: no such heading`).toContain(
            anchor,
          );
      }
    },
  );

  it.each(pages.map((page) => [page.page, page.text] as const))(
    '%s: commands use npx bookings-emulator, which works after npm ci (a bare one is not on PATH)',
    (page, text) => {
      const bare = [
        ...text.matchAll(
          /(?<![\w/.-])(?<!npx )bookings-emulator (start|run|lint|validate|fake|capture|drift|policies)\b/g,
        ),
      ];
      expect(
        bare.map((match) => text.slice(Math.max(0, (match.index ?? 0) - 30), (match.index ?? 0) + 40)),
        page,
      ).toEqual([]);
    },
  );

  it.each(pages.map((page) => [page.page, page.text] as const))(
    '%s: refers to nothing only the authors know (files outside the repository, section signs, issue or decision numbers)',
    (page, text) => {
      // The authors' own contract file lived outside the repository; docs/contract.md replaces it.
      expect(text, page).not.toMatch(/\bCONTRACT\.md/);
      expect(text, page).not.toContain('§');
      // An issue of another project, named with its repository, is a source; "issue 7" alone is not.
      expect(text.match(/(?<![\w-]+\/[\w.-]+ )\bissues? #?\d+/gi) ?? [], page).toEqual([]);
      expect(text.match(/\bdecisions? #?\d+/gi) ?? [], page).toEqual([]);
    },
  );

  it('marks every shell block that does not run with no-run, and runs the rest (pages.test.ts, project.test.ts)', () => {
    const shellBlocks = pages.flatMap(({ page, text }) =>
      codeBlocks(page, text).filter((block) => ['sh', 'bash', 'shell'].includes(block.lang)),
    );
    const run = runnableSections(pages).flatMap((section) => section.blocks);
    const project = shellBlocks.filter((block) => block.marks.includes('project'));
    const notRun = shellBlocks.filter((block) => block.marks.includes('no-run'));
    expect(run.length + project.length + notRun.length).toBe(shellBlocks.length);
    expect(project.every((block) => block.page === 'README.md')).toBe(true);
    // The README's own commands all run, but for the set-up line and the one that needs a cloud flow.
    expect(notRun.filter((block) => block.page === 'README.md').map((block) => block.section)).toEqual([
      'bookings-emulator',
      'Point a real flow at it',
    ]);
  });
});

describe('docs/cli.md', () => {
  const reference = readFileSync(join(packageRoot, 'docs', 'cli.md'), 'utf8');
  const commands = ['start', 'run', 'lint', 'validate', 'fake', 'capture', 'drift', 'policies'];

  it('has the start synopsis with every flag, --data-dir and --policy among them', () => {
    const synopsis = /```text\n(npx bookings-emulator start[\s\S]*?)```/.exec(reference)?.[1] ?? '';
    expect(synopsis).toContain('--data-dir DIR');
    expect(synopsis).toContain('--policy NAME=VALUE');
  });

  it.each(commands)('documents every flag of %s --help', async (command) => {
    const help = await runCli([command, '--help']);
    expect(help.code).toBe(0);
    expect(reference).toContain(`## ${command}`);
    const section = reference.slice(reference.indexOf(`## ${command}`)).split(/\n## /)[0] ?? '';
    const flags = [...help.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)]
      .map((match) => match[1] ?? '')
      .filter((flag) => flag !== '--help');
    for (const flag of flags) expect(section, `${command} ${flag}`).toContain(flag);
  });
});

describe('the code-block parser', () => {
  it('reads marks from the fence and from a comment before it, and the section', () => {
    const blocks = codeBlocks(
      'x.md',
      [
        '# Top',
        '```sh no-run',
        'a',
        '```',
        '## Sub',
        '<!-- docs-test: file=s/x.yaml -->',
        '```yaml',
        'b: 1',
        '```',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { page: 'x.md', line: 2, section: 'Top', lang: 'sh', marks: ['no-run'], text: 'a\n' },
      {
        page: 'x.md',
        line: 7,
        section: 'Sub',
        lang: 'yaml',
        marks: ['file=s/x.yaml'],
        file: 's/x.yaml',
        text: 'b: 1\n',
      },
    ]);
  });
});
