import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cliEntryPath, packageRoot } from '../core/paths.js';

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

export interface RunOptions {
  stdin?: string | Uint8Array;
  /** Added to this process's environment. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Sent when the time is up (SIGTERM lets a shell's EXIT trap clean up); the promise rejects. */
  killSignal?: NodeJS.Signals;
  /** The working folder; default the package root. */
  cwd?: string;
}

/** Runs a command to completion from the package root and collects its output. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? packageRoot,
      env: { ...process.env, ...options.env },
    });
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
      child.kill(options.killSignal ?? 'SIGKILL');
      reject(
        new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stdout}${stderr}`),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node ...args`, or `unshare --net node ...args` for an isolated network (see canIsolateNetwork). */
function nodeCommand(args: string[], isolatedNetwork = false): [string, string[]] {
  return isolatedNetwork ? ['unshare', ['--net', process.execPath, ...args]] : [process.execPath, args];
}

/** Runs `node ...args` to completion (in an isolated network when asked) and collects its output. */
export function runNode(
  args: string[],
  timeoutMs = 20_000,
  options: RunOptions & { isolatedNetwork?: boolean } = {},
): Promise<CliResult> {
  const [command, argv] = nodeCommand(args, options.isolatedNetwork);
  return runProcess(command, argv, { ...options, timeoutMs });
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
    const [command, argv] = nodeCommand([cliPath, 'start', ...args], options.isolatedNetwork);
    const child = spawn(command, argv, { cwd: packageRoot });
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
