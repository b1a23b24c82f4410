import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../emulator/core/paths.js';
import { cliPath, runProcess } from '../../emulator/testing/cli.js';
import { freePort } from '../../emulator/testing/prism.js';

/**
 * The README's "Example flows" section, run as a new user would paste it: each subsection's shell
 * blocks (stand-in, recorder, flow, the scenario run, then the "by hand" lines), in one bash with
 * job control, on free ports instead of the documented ones so that nothing here clashes with a
 * running emulator. The run must pass, and the by-hand booking must show up at the downstream side.
 */

const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
const section = /\n## Example flows\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const subsections = section
  .split(/\n### /)
  .slice(1)
  .map((text) => ({
    title: text.slice(0, text.indexOf('\n')),
    blocks: [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? ''),
  }));

/** What the last command of each by-hand block shows once the booking went through. */
const outcomes: Record<string, RegExp> = {
  'Welcome e-mail': /"count":1,.*"subject":"Your Consultation on 2026-01-06 09:00 UTC"/,
  'Zoom meeting': /"count":1,.*"path":"\/users\/me\/meetings".*"status":201/,
  'Stripe payment': /"count":1,.*"amount":"5000","currency":"eur"/,
  'CRM upload':
    /"count":2,.*contacts\(emailaddress1='bea@example\.com'\).*contacts\(emailaddress1='cal@example\.com'\)/,
};

/** The ports the README uses; each is replaced by a free one. */
const documentedPorts = /\b(2525|2526|4010|4011|4020|4021|4030|4031|4780|710[1-4])\b/g;

async function onFreePorts(script: string): Promise<string> {
  const ports = new Map<string, number>();
  for (const [port] of script.matchAll(documentedPorts))
    if (!ports.has(port)) ports.set(port, await freePort());
  return script.replace(documentedPorts, (port) => String(ports.get(port)));
}

async function bash(script: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  // SIGTERM on time-out, so the script's EXIT trap stops the services it started.
  const result = await runProcess('bash', ['-c', script], {
    env: { CI: '1', NO_COLOR: '1' },
    timeoutMs,
    killSignal: 'SIGTERM',
  }).catch((error: Error) => ({ code: null, stdout: error.message, stderr: '' }));
  return { code: result.code, output: `${result.stdout}${result.stderr}` };
}

describe('README "Example flows"', () => {
  it('has a subsection per example, each with the commands to start it, run its scenario and try it by hand', () => {
    expect(subsections.map((subsection) => subsection.title)).toEqual(Object.keys(outcomes));
    for (const { title, blocks } of subsections) {
      expect(blocks, title).toHaveLength(2);
      expect(blocks[0], title).toMatch(/npx bookings-emulator run scenarios\/examples\/[a-z-]+\.yaml/);
      expect(blocks[1], title).toMatch(/webhook\/AppointmentCreated/);
    }
  });

  it.each(subsections.map((subsection) => [subsection.title, subsection.blocks] as const))(
    '%s: the commands work as pasted',
    async (title, blocks) => {
      expect(existsSync(cliPath), `${cliPath} is missing: run npm run build`).toBe(true);
      const wanted = outcomes[title] ?? /never/;
      const count = /"count":(\d+)/.exec(wanted.source)?.[1] ?? '1';
      const byHand = blocks[1] ?? '';
      // The last line reads the outcome once, after a fixed sleep; here it is read until it shows.
      const lines = byHand.trimEnd().split('\n');
      const look = (lines.pop() ?? '').replace(/^sleep \d+; /, '').replace(/\s+#.*$/, '');
      const script = await onFreePorts(
        [
          'set -euo pipefail -m',
          // Stop every background job, with all its processes, however the script ends.
          'trap \'for job in $(jobs -p); do kill -- -"$job" 2>/dev/null || true; done\' EXIT',
          blocks[0],
          ...lines,
          `for attempt in $(seq 1 60); do outcome="$(${look})"; echo "$outcome" | grep -q '"count":${count}' && break; sleep 0.5; done`,
          'echo; echo "OUTCOME $outcome"',
        ].join('\n'),
      );
      const { code, output } = await bash(script, 170_000);
      expect(code, output).toBe(0);
      expect(output).toMatch(/^PASS example-/m);
      expect(output).toContain('1 passed, 0 failed');
      const outcome = /^OUTCOME (.*)$/m.exec(output)?.[1] ?? '';
      expect(outcome, output).toMatch(wanted);
    },
    180_000,
  );
});
