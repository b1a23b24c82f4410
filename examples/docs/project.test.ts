import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../emulator/core/paths.js';
import { cliPath } from '../../emulator/testing/cli.js';
import { ciCommands, codeBlocks, isShell } from './markdown.js';
import { runScript, temporaryFolder } from './shell.js';

/**
 * The README's "Use it in your project", "Scenario files" and "Use it in CI", followed in a new
 * project as a reader would. The folder holds `bookings-emulator`, a link to this checkout (the
 * clone beside your project), and `my-project`, a package.json as `npm init -y` makes it. There:
 *
 * 1. every block of the README marked `file=PATH` is saved as PATH (the vitest test, the scenario);
 * 2. the README's blocks marked `project` run in order in one bash (`set -euo pipefail`): npm pack
 *    of the clone, npm i of the tarball and vitest, `npx vitest run`, lint and run of the scenario;
 * 3. then the commands of both CI jobs, `npm ci` included, in the same project.
 *
 * npm runs with ignore-scripts (so `npm pack` does not rebuild this checkout's dist/ under the other
 * tests, and better-sqlite3 is not compiled) and prefer-offline (packages come from npm's cache
 * when it has them). dist/ must be built. Bounded at 5 minutes; every process is stopped after.
 *
 * The project holds vite at the version this repository's lockfile has (`overrides`): newer vite
 * lists an optional dependency (napi-windows-process-start-time) that the registry CI uses does not
 * serve, so `npm i` leaves it out of the lockfile and the CI jobs' `npm ci` then refuses the lockfile.
 */

const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
const blocks = codeBlocks('README.md', readme);
const files = blocks.filter((block) => block.file);
const projectBlocks = blocks.filter((block) => isShell(block) && block.marks.includes('project'));
const folder = temporaryFolder('bookings-project');
const project = join(folder.dir, 'my-project');

afterAll(() => folder.remove());

describe('README: use it in your project, scenario files, use it in CI', () => {
  it('has the blocks to follow', () => {
    expect(files.map((file) => file.file)).toEqual([
      'bookings.test.ts',
      'scenarios/cancel-1on1-has-no-reason.yaml',
    ]);
    expect(projectBlocks.map((block) => block.text).join('')).toMatch(
      /npm pack \.\.\/bookings-emulator[\s\S]*npm i -D \.\/bookings-emulator-[\d.]+\.tgz vitest[\s\S]*npx vitest run/,
    );
    const { github, gitlab } = ciCommands(readme);
    expect(github).toContain('npm ci');
    expect(gitlab).toContain('npm ci');
  });

  it('works as pasted in a new project', async () => {
    expect(existsSync(cliPath), `${cliPath} is missing: run npm run build`).toBe(true);
    symlinkSync(packageRoot, join(folder.dir, 'bookings-emulator'));
    mkdirSync(project);
    const lock = JSON.parse(readFileSync(join(packageRoot, 'package-lock.json'), 'utf8'));
    const vite: string = lock.packages['node_modules/vite'].version;
    const manifest = { name: 'my-project', version: '1.0.0', private: true, overrides: { vite } };
    writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const block of files) {
      const path = join(project, block.file ?? '');
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, block.text);
    }
    const { github, gitlab } = ciCommands(readme);
    const script = [
      'set -euo pipefail',
      ...projectBlocks.flatMap((block) => [`# README.md:${block.line}`, block.text]),
      '# the GitHub Actions job',
      ...github,
      'mv bookings-report.xml github-report.xml',
      '# the GitLab job',
      ...gitlab,
    ].join('\n');
    const { code, output } = await runScript(script, { cwd: project, timeoutMs: 300_000, env: { CI: '1' } });
    expect(code, output).toBe(0);
    expect(output).toMatch(/✓ bookings\.test\.ts|1 passed/);
    expect(output).toMatch(/^PASS cancel-1on1-has-no-reason/m);
    for (const report of ['github-report.xml', 'bookings-report.xml'])
      expect(readFileSync(join(project, report), 'utf8')).toMatch(
        /<testcase [^>]*name="cancel-1on1-has-no-reason"/,
      );
  }, 320_000);
});
