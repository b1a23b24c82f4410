import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../emulator/core/paths.js';
import { cliPath } from '../../emulator/testing/cli.js';
import { ciCommands } from './markdown.js';
import { checkoutCopy, runScript } from './shell.js';

/**
 * The README's CI jobs, run against this checkout: the `run:` lines of the GitHub Actions job and
 * the `script:` lines of the GitLab job, each job in one bash (`set -euo pipefail`, `CI` set as both
 * services set it), in a copy of the checkout made of links so that the report lands in a temporary
 * folder. `npm ci` is not run here: it would reinstall node_modules under every other test; this
 * checkout is installed already (project.test.ts runs the jobs' `npm ci` in a project of its own).
 * Bounded at 2 minutes a job; every process is stopped after.
 */

const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
const jobs = ciCommands(readme);
const library = readdirSync(join(packageRoot, 'scenarios')).filter((name) => /\.(ya?ml|json)$/.test(name));

describe('README "Use it in CI" against this checkout', () => {
  it.each([
    ['GitHub Actions', jobs.github],
    ['GitLab', jobs.gitlab],
  ] as const)(
    'the %s job passes, with a JUnit report of every scenario',
    async (name, commands) => {
      expect(existsSync(cliPath), `${cliPath} is missing: run npm run build`).toBe(true);
      expect(commands, `no ${name} job found in the README`).toContain('npm ci');
      const script = [
        'set -euo pipefail',
        ...commands.map((command) =>
          command === 'npm ci' ? 'echo "npm ci: not run, this checkout is installed"' : command,
        ),
      ].join('\n');
      const checkout = checkoutCopy();
      try {
        const { code, output } = await runScript(script, {
          cwd: checkout.dir,
          timeoutMs: 120_000,
          env: {
            CI: 'true',
            GITHUB_ACTIONS: name === 'GitHub Actions' ? 'true' : '',
            GITLAB_CI: name === 'GitLab' ? 'true' : '',
          },
        });
        expect(code, output).toBe(0);
        expect(output).toContain(`${library.length} passed, 0 failed`);
        const report = readFileSync(join(checkout.dir, 'bookings-report.xml'), 'utf8');
        expect(report.match(/<testcase /g)).toHaveLength(library.length);
      } finally {
        checkout.remove();
      }
    },
    130_000,
  );
});
