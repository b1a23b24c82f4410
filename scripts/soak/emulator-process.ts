import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../emulator/core/paths.js';
import type { ProcessSample } from './accounting.js';

const cliPath = join(packageRoot, 'dist', 'emulator', 'cli', 'main.js');
const probePath = pathToFileURL(join(packageRoot, 'scripts', 'soak', 'memory-probe.mjs')).href;

/** pino's level for error: a log line at or above it means the emulator hit something unexpected. */
const pinoErrorLevel = 50;

export interface EmulatorProcess {
  readonly url: string;
  readonly pid: number;
  /** RSS from /proc, heap from the process itself (after a full collection when `collect`). */
  sample(options?: { collect?: boolean }): Promise<ProcessSample>;
  /** Why the process ended early or what it logged at error level; empty while it runs clean. */
  problems(): string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match?.[1] ? Number(match[1]) * 1024 : 0;
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * The built CLI (`node dist/emulator/cli/main.js start --port 0 --quiet`) as a real child process on
 * 127.0.0.1, so its memory and descriptors are its own. The memory probe rides along via --import.
 */
export async function startEmulatorProcess(args: string[], timeoutMs = 30_000): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      probePath,
      cliPath,
      'start',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--quiet',
      ...args,
    ],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  const problems: string[] = [];
  let output = '';
  let exited = false;
  let stopping = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = true;
      resolve(code);
      if (!stopping) problems.push(`the emulator exited during the run (code ${code}, signal ${signal})`);
    }),
  );
  const watchLine = (line: string) => {
    if (!line.startsWith('{')) return;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      if ((entry.level ?? 0) >= pinoErrorLevel)
        problems.push(`the emulator logged an error: ${line.slice(0, 300)}`);
    } catch {
      // Not a log line.
    }
  };
  let pendingLine = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = pendingLine + chunk.toString('utf8');
    const lines = text.split('\n');
    pendingLine = lines.pop() ?? '';
    for (const line of lines) {
      if (output.length < 64 * 1024) output += `${line}\n`;
      watchLine(line);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (output.length < 64 * 1024) output += text;
    if (/unhandled|Error:/i.test(text)) problems.push(`the emulator wrote to stderr: ${text.slice(0, 300)}`);
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(match[1]);
      } else if (exited) {
        clearTimeout(timer);
        clearInterval(poll);
        reject(new Error(`the emulator exited before listening:\n${output}`));
      }
    }, 20);
  });

  const pid = child.pid ?? 0;
  let nextId = 0;
  const heap = (collect: boolean) =>
    new Promise<NodeJS.MemoryUsage>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => reject(new Error('the memory probe did not answer in 10 s')), 10_000);
      const onMessage = (message: { type?: string; id?: number; usage?: NodeJS.MemoryUsage }) => {
        if (message.type !== 'soak:memory' || message.id !== id || !message.usage) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message.usage);
      };
      child.on('message', onMessage);
      child.send({ type: 'soak:memory', id, collect });
    });

  return {
    url,
    pid,
    async sample(options = {}) {
      const usage = await heap(options.collect ?? false);
      return { rssBytes: rssBytes(pid), heapUsedBytes: usage.heapUsed, openFds: openFds(pid) };
    },
    problems: () => problems,
    async stop() {
      stopping = true;
      if (!exited) child.kill('SIGTERM');
      return exit;
    },
  };
}
