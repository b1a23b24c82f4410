import { type ChildProcess, spawn } from 'node:child_process';
import { Pool } from 'undici';
import { cliEntryPath, packageRoot } from '../../emulator/core/paths.js';

/** pino's level for error: a log line at or above it means the emulator hit something unexpected. */
const pinoErrorLevel = 50;
const listeningTimeoutMs = 30_000;

/** One life of the emulator process, between a start and a kill. */
export interface Incarnation {
  url: string;
  /** Keep-alive connections to this life only; destroyed with it. */
  pool: Pool;
}

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

interface Gate {
  promise: Promise<Incarnation>;
  resolve(incarnation: Incarnation): void;
  reject(error: unknown): void;
}

/** A promise to wait on until the next life starts (Promise.withResolvers needs Node 22). */
function closedGate(): Gate {
  let resolve: (incarnation: Incarnation) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<Incarnation>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  // Nobody may be waiting when a failed start rejects it.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** The process environment without BOOKINGS_EMULATOR_* settings, which would change what a kill does. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('BOOKINGS_EMULATOR_')),
  );
}

/**
 * Keeps the built CLI (`node dist/emulator/cli/main.js start --host 127.0.0.1 --port P --quiet ...`)
 * running across SIGKILLs: the first start takes a free port, every restart asks for the same port
 * (and takes a new one, counted, only if that fails). Callers wait for `up()` between a kill and
 * the restart.
 */
export class EmulatorSupervisor {
  private running: Running | undefined;
  private current: Incarnation | undefined;
  private port = 0;
  private gate = closedGate();
  private readonly problemList: string[] = [];
  /** Every child not yet exited, a starting one included, so an interruption can kill them all. */
  private readonly children = new Map<ChildProcess, Promise<number | null>>();
  /** Restarts that could not have the previous port. */
  portChanges = 0;
  restarts = 0;

  constructor(
    private readonly args: readonly string[],
    private readonly connections: number,
  ) {}

  /** Resolves with the running emulator, waiting out a kill; rejects when it cannot be started again. */
  up(): Promise<Incarnation> {
    return this.gate.promise;
  }

  /** Why the emulator misbehaved: an exit nobody asked for, an error logged. */
  problems(): readonly string[] {
    return this.problemList;
  }

  url(): string | undefined {
    return this.current?.url;
  }

  async start(): Promise<Incarnation> {
    let running: Running;
    try {
      running = await this.spawnCli(this.port);
    } catch (error) {
      if (this.port === 0 || !/EADDRINUSE|port is in use/.test((error as Error).message))
        return this.fail(error);
      // The old port is taken (by something else since the kill): carry on at a new one.
      this.portChanges += 1;
      try {
        running = await this.spawnCli(0);
      } catch (again) {
        return this.fail(again);
      }
    }
    this.running = running;
    this.port = Number(new URL(running.url).port);
    this.current = { url: running.url, pool: new Pool(running.url, { connections: this.connections }) };
    this.gate.resolve(this.current);
    return this.current;
  }

  /** SIGKILL, as a crash or an OOM kill would: nothing gets a chance to finish. */
  async kill(): Promise<void> {
    const running = this.takeDown();
    if (!running) return;
    running.child.kill('SIGKILL');
    await running.exited;
  }

  async restart(): Promise<Incarnation> {
    this.restarts += 1;
    return this.start();
  }

  /** SIGTERM and the exit code (0 when it drained and closed cleanly). */
  async stop(): Promise<number | null> {
    const running = this.takeDown();
    if (!running) return null;
    running.child.kill('SIGTERM');
    return running.exited;
  }

  /** For an interrupted run: kills every process at once, synchronously. */
  disposeNow(): void {
    this.takeDown();
    for (const child of this.children.keys()) child.kill('SIGKILL');
    this.gate.reject(new Error('the soak was interrupted'));
  }

  /** At the end, whatever happened: kills every process still there and waits for it to go. */
  async killAll(): Promise<void> {
    this.takeDown();
    const exits = [...this.children.values()];
    for (const child of this.children.keys()) child.kill('SIGKILL');
    await Promise.all(exits);
  }

  /** Closes the gate (callers wait from now on) and forgets the running process. */
  private takeDown(): Running | undefined {
    const running = this.running;
    this.running = undefined;
    if (this.current) void this.current.pool.destroy().catch(() => {});
    this.current = undefined;
    this.gate = closedGate();
    return running;
  }

  private fail(error: unknown): never {
    this.gate.reject(error);
    throw error;
  }

  private watch(line: string): void {
    if (line.startsWith('{')) {
      try {
        const entry = JSON.parse(line) as { level?: number };
        if ((entry.level ?? 0) >= pinoErrorLevel)
          this.problemList.push(`the emulator logged an error: ${line.slice(0, 300)}`);
      } catch {
        // Not a log line.
      }
    } else if (/unhandled|Error:/i.test(line)) {
      this.problemList.push(`the emulator wrote: ${line.slice(0, 300)}`);
    }
  }

  private spawnCli(port: number): Promise<Running> {
    const child = spawn(
      process.execPath,
      [cliEntryPath, 'start', '--host', '127.0.0.1', '--port', String(port), '--quiet', ...this.args],
      { cwd: packageRoot, env: cleanEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    let listening: ((url: string) => void) | undefined;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code, signal) => {
        this.children.delete(child);
        resolve(code);
        if (this.running?.child === child) {
          this.problemList.push(`the emulator exited by itself (code ${code}, signal ${signal})`);
          this.takeDown();
          void this.restart().catch(() => {});
        }
      }),
    );
    this.children.set(child, exited);
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (text.length < 16 * 1024) text += `${line}\n`;
          const match = /listening on (http:\/\/\S+)/.exec(line);
          if (match?.[1]) listening?.(match[1]);
          // Before that line, a failure to start is the start's to report (with a new port tried).
          else if (listening === undefined) this.watch(line);
        }
      });
    }
    return new Promise<Running>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`no listening line within ${listeningTimeoutMs} ms:\n${text}`));
      }, listeningTimeoutMs);
      listening = (url) => {
        clearTimeout(timer);
        listening = undefined;
        resolve({ child, url, exited });
      };
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the emulator exited (code ${code}) before listening:\n${text}`));
      });
    });
  }
}
