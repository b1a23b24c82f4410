import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../emulator/core/paths.js';
import { freePort } from '../../emulator/testing/prism.js';

/**
 * Running documented shell commands as a reader would paste them, without disturbing anything else:
 * in a bash of their own, in a folder of their own, on free ports, bounded in time, and with every
 * process they started stopped afterwards.
 */

/** A temporary folder. */
export function temporaryFolder(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A folder that looks like this checkout (a link to each of its top-level entries, .git aside), so
 * that relative paths in the docs work while files the commands write (a JUnit report, say) land
 * in the temporary folder rather than in the working tree.
 */
export function checkoutCopy(): { dir: string; remove(): void } {
  const folder = temporaryFolder('bookings-docs');
  for (const entry of readdirSync(packageRoot))
    if (entry !== '.git') symlinkSync(join(packageRoot, entry), join(folder.dir, entry));
  return folder;
}

/** The ports the docs use; each is replaced by a free one, so nothing clashes with a running emulator. */
const documentedPorts = /\b(2525|2526|4010|4011|4020|4021|4030|4031|4780|4781|710[1-4])\b/g;

export async function onFreePorts(script: string): Promise<string> {
  const ports = new Map<string, number>();
  for (const [port] of script.matchAll(documentedPorts))
    if (!ports.has(port)) ports.set(port, await freePort());
  return script.replace(documentedPorts, (port) => String(ports.get(port)));
}

/** The environment of a reader's shell: none of the test runner's or npm's own variables. */
function readerEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(npm_|VITEST|INIT_CWD$|TEST$|NODE_ENV$|NODE_OPTIONS$)/i.test(name)) env[name] = value;
  return {
    ...env,
    NO_COLOR: '1',
    // dist/ is built before these tests run (npm test builds first). npm must not rebuild it under
    // the other test files' feet: `npm start` and `npm pack` would (prestart, prepack).
    npm_config_ignore_scripts: 'true',
    // The packages a new project installs come from npm's cache when it has them.
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}

const markerName = 'BOOKINGS_DOCS_TEST_RUN';

/** Every process whose environment carries the marker: whatever a script started, however deep. */
function markedProcesses(marker: string): number[] {
  const wanted = `${markerName}=${marker}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(wanted))
        pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

function signal(pids: number[], name: NodeJS.Signals): void {
  for (const pid of pids)
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
}

/** SIGTERM to every marked process, SIGKILL to those still there after 5 s; answers how many there were. */
async function stopMarked(marker: string): Promise<number> {
  const found = markedProcesses(marker);
  signal(found, 'SIGTERM');
  for (let waited = 0; waited < 5_000 && markedProcesses(marker).length > 0; waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
  signal(markedProcesses(marker), 'SIGKILL');
  return found.length;
}

export interface ScriptResult {
  /** null when the time ran out. */
  code: number | null;
  output: string;
  /** Processes the script left running when it ended (all stopped since). */
  leftovers: number;
}

/**
 * Runs `script` in bash in `cwd`, with a reader's environment plus `env`. When the script ends,
 * or its time runs out, every process it started is stopped (SIGTERM, then SIGKILL), found by a
 * variable that only they carry.
 */
export async function runScript(
  script: string,
  options: { cwd: string; timeoutMs: number; env?: Record<string, string> },
): Promise<ScriptResult> {
  const marker = randomUUID();
  const child = spawn('bash', ['-c', script], {
    cwd: options.cwd,
    env: readerEnvironment({ ...options.env, [markerName]: marker }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopMarked(marker);
  }, options.timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      output += `\n${error.message}`;
      resolve(null);
    });
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  const leftovers = await stopMarked(marker);
  if (timedOut) output += `\n[docs test] stopped after ${options.timeoutMs} ms`;
  return { code: timedOut ? null : code, output, leftovers };
}

/** Waits for a started emulator, as the docs' own commands do. */
export function waitForHealth(url: string): string {
  return `curl -s -o /dev/null --retry 60 --retry-connrefused --retry-delay 1 ${url}/_emulator/health`;
}
