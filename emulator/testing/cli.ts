import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cliEntryPath, packageRoot } from '../paths.js';

export const cliPath = cliEntryPath;

function requireBuiltCli(): void {
  if (!existsSync(cliPath))
    throw new Error(`${cliPath} is missing: run \`npm run build\` (npm test does it first).`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion, with `options.stdin` as its standard input. */
export function runCli(
  args: string[],
  timeoutMs = 20_000,
  options: { stdin?: string | Uint8Array } = {},
): Promise<CliResult> {
  requireBuiltCli();
  return runNode([cliPath, ...args], timeoutMs, options);
}

/** Runs `node ...args` to completion (in an isolated network when asked) and collects its output. */
export function runNode(
  args: string[],
  timeoutMs = 20_000,
  options: { stdin?: string | Uint8Array; isolatedNetwork?: boolean; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnNode(args, options);
    child.stdin.end(options.stdin ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface StartedCli {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Everything printed so far. */
  output(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Whether `unshare --net` works here (it needs root; CI runs as root). A process started that way
 * has a network namespace of its own whose only interface is a loopback that is down, so a server
 * it binds to 0.0.0.0 reaches nothing: tests of the beyond-loopback path expose no port.
 */
export const canIsolateNetwork = spawnSync('unshare', ['--net', 'true']).status === 0;

/** `node ...args`, in an isolated network namespace when asked (see canIsolateNetwork). */
export function spawnNode(
  args: string[],
  options: { isolatedNetwork?: boolean; env?: Record<string, string> } = {},
) {
  const spawnOptions = { cwd: packageRoot, env: { ...process.env, ...options.env } };
  return options.isolatedNetwork
    ? spawn('unshare', ['--net', process.execPath, ...args], spawnOptions)
    : spawn(process.execPath, args, spawnOptions);
}

/**
 * Starts `bookings-emulator start ...` and resolves once it prints its listening line. With
 * `isolatedNetwork` it runs in a network namespace of its own: its URL cannot be reached, only
 * its output read.
 */
export function startCli(
  args: string[],
  timeoutMs = 20_000,
  options: { isolatedNetwork?: boolean } = {},
): Promise<StartedCli> {
  requireBuiltCli();
  return new Promise((resolve, reject) => {
    const child = spawnNode([cliPath, 'start', ...args], options);
    let output = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no listening line within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1],
          output: () => output,
          stop: async (signal = 'SIGINT') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; output:\n${output}`));
    });
  });
}
