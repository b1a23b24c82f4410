import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../../emulator/testing/cli.js';
import { type CodeBlock, runnableSections } from './markdown.js';
import { checkoutCopy, onFreePorts, runScript, waitForHealth } from './shell.js';

/**
 * Every shell block of README.md and of the pages of docs/ runs as a reader would paste it.
 *
 * How a page marks its blocks (see markdown.ts):
 * - ```sh (or bash, shell): run. Mark a block that must not run ```sh no-run, and say why in the
 *   text (it needs a cloud flow, Docker, a reinstall, or minutes).
 * - ```sh project: run by project.test.ts in a new project of its own, not here.
 * - An HTML comment on the line before a fence, `<!-- docs-test: MARKS -->`, adds marks the same way.
 *
 * How they run:
 * - The runnable blocks under one heading run in one bash, in order, with `set -euo pipefail`: a
 *   later block may use what an earlier one started. Each section runs on its own.
 * - The folder is a copy of this checkout made of links, one per section, so relative paths work
 *   and what the commands write lands in a temporary folder. dist/ must be built (npm test does).
 * - Every port the docs use (4780, the example services' ports...) becomes a free one.
 * - A section that calls 127.0.0.1:4780 without starting an emulator itself ("with `npm start`
 *   running") gets a fresh one: `npm start -- --port 4780` in the background on that free port.
 * - npm runs with ignore-scripts, so `npm start` does not rebuild dist/ under the other tests.
 * - Each section has 150 s once its turn comes (three run at a time); when it ends, every process
 *   it started is stopped.
 * - A section listed in `outcomes` must also print what is expected there. In such a section a
 *   line `sleep N; COMMAND` is run again every half second (30 s at most) until its output
 *   contains the `until` text, instead of sleeping once: under load N seconds may not be enough.
 */

const outcomes: Record<string, { output: RegExp[]; until?: string }> = {
  'README.md § Try it in one minute': {
    output: [
      /HTTP\/1\.1 200/,
      /"webhookId"/,
      /"CustomerName":"Jordan Miller"/,
      /"deliveries":\[\{"deliveryId"/,
    ],
    until: '"CustomerName":"Jordan Miller"',
  },
  'README.md § Example flows': { output: [/^PASS example-welcome-email/m, /1 passed, 0 failed/] },
  'docs/examples.md § Run one': {
    output: ['welcome-email', 'zoom-meeting', 'stripe-payment', 'crm-upload'].map(
      (name) => new RegExp(`^PASS example-${name}`, 'm'),
    ),
  },
  'docs/examples.md § Welcome e-mail': {
    output: [
      /^PASS example-welcome-email/m,
      /"count":1,.*"subject":"Your Consultation on 2026-01-06 09:00 UTC"/,
    ],
    until: '"count":1',
  },
  'docs/examples.md § Zoom meeting': {
    output: [/^PASS example-zoom-meeting/m, /"count":1,.*"path":"\/users\/me\/meetings".*"status":201/],
    until: '"count":1',
  },
  'docs/examples.md § Stripe payment': {
    output: [/^PASS example-stripe-payment/m, /"count":1,.*"amount":"5000","currency":"eur"/],
    until: '"count":1',
  },
  'docs/examples.md § CRM upload': {
    output: [
      /^PASS example-crm-upload/m,
      /"count":2,.*contacts\(emailaddress1='bea@example\.com'\).*contacts\(emailaddress1='cal@example\.com'\)/,
    ],
    until: '"count":2',
  },
  'docs/delivery-and-faults.md § Rehearsing failure': {
    output: [/ServiceUnavailable.* 503\n/, /"webhookId".* 200\n/, /"status":"delivered"/, /"attempt":3/],
    until: '"status":"delivered"',
  },
  'docs/hardening.md § Bad input': { output: [/"code":"MalformedJson".* 400\n/] },
  'docs/hardening.md § The control token': { output: [/ControlTokenRequired.* 401\n/, /"flows":.* 200\n/] },
};

const sections = runnableSections();

/** Whether the section's commands need an emulator they do not start themselves. */
function needsEmulator(blocks: CodeBlock[]): boolean {
  const text = blocks.map((block) => block.text).join('\n');
  return /(127\.0\.0\.1|localhost):4780\b/.test(text) && !/(bookings-emulator start|npm start)\b/.test(text);
}

/** `sleep N; COMMAND` becomes: run COMMAND until its output contains `until`, then print it. */
function polled(script: string, until: string | undefined): string {
  if (!until) return script;
  return script.replace(/^sleep \d+; (.+?)(\s+#.*)?$/gm, (_line, command: string) =>
    [
      `for attempt in $(seq 1 60); do outcome="$(${command})"; printf '%s' "$outcome" | grep -qF -- '${until}' && break; sleep 0.5; done`,
      'printf "%s\\n" "$outcome"',
    ].join('\n'),
  );
}

/** A few at a time: each may start an emulator, Prism and flows. */
let running = 0;
const queue: Array<() => void> = [];
async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 3) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    queue.shift()?.();
  }
}

describe('the commands of README.md and docs/ work as pasted', () => {
  it('finds the sections that must run', () => {
    const names = sections.map((section) => section.name);
    for (const name of Object.keys(outcomes)) expect(names, `${name} has no runnable block`).toContain(name);
  });

  it.concurrent.each(sections.map((section) => [section.name, section.blocks] as const))(
    '%s',
    (name, blocks) =>
      inTurn(async () => {
        expect(existsSync(cliPath), `${cliPath} is missing: run npm run build`).toBe(true);
        const expected = outcomes[name];
        const lines = ['set -euo pipefail'];
        if (needsEmulator(blocks))
          lines.push(
            'npm start -- --port 4780 > "$TMPDIR/emulator.log" 2>&1 &',
            `${waitForHealth('http://127.0.0.1:4780')} || { cat "$TMPDIR/emulator.log"; exit 1; }`,
          );
        for (const block of blocks)
          lines.push(`# ${block.page}:${block.line}`, polled(block.text, expected?.until));
        const script = await onFreePorts(lines.join('\n'));
        const checkout = checkoutCopy();
        const { code, output } = await runScript(script, {
          cwd: checkout.dir,
          timeoutMs: 150_000,
          env: { CI: '1', TMPDIR: checkout.dir },
        }).finally(() => checkout.remove());
        expect(code, `${name} failed:\n${output}`).toBe(0);
        for (const wanted of expected?.output ?? []) expect(output, name).toMatch(wanted);
      }),
    900_000,
  );
});
