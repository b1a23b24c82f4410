import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../emulator/core/paths.js';

/**
 * The fenced code blocks of the README and the docs pages, with what the doc tests need to know
 * about each: its language, the section it is in, and its marks.
 *
 * A block is marked by words after its language on the fence line (```sh no-run), or by an HTML
 * comment just before the fence (<!-- docs-test: file=scenarios/x.yaml -->, blank lines between
 * allowed), which renders as nothing. The marks:
 *
 * - `no-run`: a shell block that is not run (it needs a cloud flow, Docker, a reinstall, minutes).
 * - `project`: a shell block that runs in a new project of its own (README "Use it in your project").
 * - `file=PATH`: the block is saved as PATH in that project before its `project` blocks run.
 */

export interface CodeBlock {
  /** README.md or docs/NAME.md */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The heading the block is under ('' before the first one). */
  section: string;
  lang: string;
  marks: string[];
  /** The `file=PATH` mark, if any. */
  file?: string;
  text: string;
}

const shells = new Set(['sh', 'bash', 'shell', 'console']);

export function isShell(block: CodeBlock): boolean {
  return shells.has(block.lang);
}

export function codeBlocks(page: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      section = (heading[1] ?? '').trim();
      continue;
    }
    const fence = /^(```+|~~~+)\s*(\S*)\s*(.*)$/.exec(line);
    if (!fence) continue;
    const close = fence[1] ?? '```';
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !(lines[index] ?? '').startsWith(close); index++)
      body.push(lines[index] ?? '');
    let before = start - 1;
    while (before > 0 && (lines[before] ?? '').trim() === '') before--;
    const comment = /^<!--\s*docs-test:\s*(.*?)\s*-->$/.exec((lines[before] ?? '').trim());
    const marks = [...(fence[3] ?? '').split(/\s+/), ...(comment?.[1] ?? '').split(/\s+/)].filter(Boolean);
    const file = marks.find((mark) => mark.startsWith('file='))?.slice('file='.length);
    blocks.push({
      page,
      line: start + 1,
      section,
      lang: fence[2] ?? '',
      marks,
      ...(file ? { file } : {}),
      text: `${body.join('\n')}\n`,
    });
  }
  return blocks;
}

/** README.md and every page of docs/ (the decision records excepted), as page name and text. */
export function documentationPages(): Array<{ page: string; text: string }> {
  const docs = readdirSync(join(packageRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs].map((page) => ({
    page,
    text: readFileSync(join(packageRoot, page), 'utf8'),
  }));
}

/** The shell blocks that are run as pasted, grouped by page and section, in order. */
export function runnableSections(pages = documentationPages()): Array<{
  name: string;
  blocks: CodeBlock[];
}> {
  const sections = new Map<string, CodeBlock[]>();
  for (const { page, text } of pages)
    for (const block of codeBlocks(page, text)) {
      if (!isShell(block) || block.marks.includes('no-run') || block.marks.includes('project')) continue;
      const name = `${page} § ${block.section}`;
      sections.set(name, [...(sections.get(name) ?? []), block]);
    }
  return [...sections].map(([name, blocks]) => ({ name, blocks }));
}

/** The commands of the README's CI jobs: each `run:` of the GitHub Actions job, each `script:` line of the GitLab job. */
export function ciCommands(readme: string): { github: string[]; gitlab: string[] } {
  const jobs = codeBlocks('README.md', readme)
    .filter((block) => block.lang === 'yaml' || block.lang === 'yml')
    .map((block) => parseYaml(block.text) as Record<string, unknown>);
  const github = jobs
    .filter((job) => 'jobs' in job)
    .flatMap((job) => Object.values(job.jobs as Record<string, { steps?: Array<{ run?: string }> }>))
    .flatMap((job) => job.steps ?? [])
    .flatMap((step) => (typeof step.run === 'string' ? [step.run] : []));
  const gitlab = jobs
    .filter((job) => !('jobs' in job))
    .flatMap((job) => Object.values(job))
    .flatMap((job) => (job && typeof job === 'object' && 'script' in job ? (job.script as string[]) : []));
  return { github, gitlab };
}
