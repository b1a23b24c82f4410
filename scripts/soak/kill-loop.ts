import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEmulatorClient } from '../../emulator/client/client.js';
import { seededRandom } from '../../emulator/core/random.js';
import { checkJournal, integrityCheck, type JournalFigures } from './kill-checks.js';
import { KillLoopLedger } from './kill-ledger.js';
import { driveMailbox, type InFlight, type KillFlow, subscribeFlows } from './kill-load.js';
import { type KillReceiverBehaviour, startKillReceiver } from './kill-receiver.js';
import { formatKillReport, judgeKillLoop, type KillRecord, type KillReport } from './kill-report.js';
import { EmulatorSupervisor } from './killable-emulator.js';
import { poolTransport } from './load.js';
import { soakSeed } from './run.js';

/** The file `--data-dir` holds (emulator/state/sqlite/sqlite-store.ts). */
const databaseFileName = 'bookings-emulator.db';

/**
 * Attempts the emulator runs at once to one origin: the engine's default (`perOriginConcurrency`
 * in emulator/config/options.ts), which `start` does not change. Every flow here points at the one
 * receiver, so this is how many attempts can be on the wire when a kill lands.
 */
const attemptsInFlightPerOrigin = 8;

export interface KillLoopOptions {
  /** How long the kills go on; the drain comes after. */
  seconds: number;
  seed: number;
  /** Graph calls per second, across all mailboxes. */
  rate: number;
  /** The mean time between kills; each interval is drawn from half to one and a half of it. */
  killEveryMs: number;
  /** No --data-dir: a kill loses the queue and the flows, and the run must report a loss. */
  negativeControl: boolean;
  mailboxes: number;
  retryPolicy: string;
  receiver: KillReceiverBehaviour;
  /** How long the drain may wait (no kills) for every acknowledged event to arrive; 60 s, 10 s for a negative control. */
  drainSeconds: number;
  progress?: (line: string) => void;
  /** Aborting kills the emulator and removes the folder at once, synchronously. */
  signal?: AbortSignal;
}

const defaults: Omit<
  KillLoopOptions,
  'seconds' | 'seed' | 'rate' | 'killEveryMs' | 'negativeControl' | 'drainSeconds'
> = {
  mailboxes: 4,
  // Six retries within about 8 s; the receiver refuses a first attempt now and then, never twice.
  retryPolicy: '250ms,500ms,1s,2s,2s,2s',
  receiver: { maxLatencyMs: 40, refuseRate: 0.05, seed: 1 },
};

/** Intervals between kills, jittered around `everyMs` and seeded, so a run's schedule can be replayed. */
export function killIntervals(seed: number, everyMs: number): () => number {
  const random = seededRandom(seed * 7919 + 17);
  return () => Math.round(everyMs * (0.5 + random()));
}

async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(everyMs);
  }
  return done();
}

/**
 * The kill loop: the built CLI on a data dir, flows subscribed once, a steady stream of Graph
 * changes, and a SIGKILL on a seeded schedule while calls and deliveries are in flight, then a
 * restart on the same data dir and port; after the last kill, a drain, the journal, a clean stop
 * and `PRAGMA integrity_check`. Used by `npm run soak -- --kill-every 10s` and by its CI test.
 */
export async function runKillLoop(
  overrides: Partial<KillLoopOptions> &
    Pick<KillLoopOptions, 'seconds' | 'seed' | 'rate' | 'killEveryMs' | 'negativeControl'>,
): Promise<KillReport> {
  // A negative control loses events for good: waiting the full minute for them would show nothing more.
  const options: KillLoopOptions = {
    ...defaults,
    drainSeconds: overrides.negativeControl ? 10 : 60,
    ...overrides,
  };
  const say = options.progress ?? (() => {});
  const folder = mkdtempSync(join(tmpdir(), 'bookings-kill-loop-'));
  const dataDir = join(folder, 'data');
  const seedFile = join(folder, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(soakSeed(options.mailboxes)));
  const mailboxes = Array.from({ length: options.mailboxes }, (_, n) => `soak${n}@contoso.example`);
  const ledger = new KillLoopLedger();
  const receiver = await startKillReceiver(ledger, options.receiver);
  const supervisor = new EmulatorSupervisor(
    [
      '--seed',
      seedFile,
      '--retry-policy',
      options.retryPolicy,
      ...(options.negativeControl ? [] : ['--data-dir', dataDir]),
    ],
    options.mailboxes + 1,
  );
  let aborted = false;
  const disposeNow = () => {
    aborted = true;
    supervisor.disposeNow();
    void receiver.close();
    rmSync(folder, { recursive: true, force: true });
  };
  options.signal?.addEventListener('abort', disposeNow, { once: true });

  const kills: KillRecord[] = [];
  const problems: string[] = [];
  let flows: KillFlow[] = [];
  let journal: JournalFigures | undefined;
  let stopCode: number | null = null;
  try {
    const first = await supervisor.start();
    flows = await subscribeFlows(first, mailboxes, receiver.url);
    say(
      `${options.negativeControl ? 'NEGATIVE CONTROL (no --data-dir): ' : ''}` +
        `load for ${options.seconds} s at ${options.rate} calls/s, a kill every ~${options.killEveryMs} ms, on ${first.url}`,
    );
    const startedAt = Date.now();
    const until = startedAt + options.seconds * 1000;
    const inFlight: InFlight = { count: 0 };
    const workers = Promise.all(
      mailboxes.map((mailbox, n) =>
        driveMailbox({
          emulator: supervisor,
          mailbox,
          flows: flows.filter((flow) => flow.mailbox === mailbox),
          ledger,
          inFlight,
          seed: options.seed * 1000 + n,
          rate: options.rate / options.mailboxes,
          until,
        }),
      ),
    );
    const progress = setInterval(() => {
      const f = ledger.figures();
      say(
        `${kills.length} kills; changes ${f.changes.acknowledged} acknowledged, ${f.changes.unacknowledged} unacknowledged; delivered ${f.delivered} of ${f.expected}`,
      );
    }, 5_000);
    try {
      const nextInterval = killIntervals(options.seed, options.killEveryMs);
      const minimumUpMs = Math.min(250, options.killEveryMs / 2);
      let killAt = startedAt + nextInterval();
      while (!aborted) {
        const wait = Math.min(killAt, until) - Date.now();
        if (wait > 0) await sleep(wait);
        if (aborted || Date.now() >= until) break;
        // In the middle of a burst: Graph calls awaiting answers and deliveries on the wire.
        await waitFor(() => inFlight.count > 0 && receiver.inFlight() > 0, 1_000, 2);
        const killedAt = Date.now();
        const record = {
          atMs: killedAt - startedAt,
          callsInFlight: inFlight.count,
          deliveriesInFlight: receiver.inFlight(),
          downMs: 0,
        };
        await supervisor.kill();
        kills.push(record);
        await supervisor.restart();
        record.downMs = Date.now() - killedAt;
        killAt = Math.max(killAt + nextInterval(), Date.now() + minimumUpMs);
      }
      await workers;
    } finally {
      clearInterval(progress);
    }
    if (aborted) throw new Error('interrupted');

    const incarnation = await supervisor.up();
    const client = createEmulatorClient({ transport: poolTransport(incarnation.pool) });
    say(`draining, no more kills: ${ledger.outstanding()} acknowledged events not arrived yet`);
    await waitFor(() => aborted || ledger.outstanding() === 0, options.drainSeconds * 1000);
    await waitFor(
      async () =>
        (await client.deliveries({ status: 'pending' })).deliveries.length +
          (await client.deliveries({ status: 'retrying' })).deliveries.length ===
        0,
      15_000,
      500,
    );
    journal = await checkJournal(client, flows, ledger.acknowledged());
    stopCode = await supervisor.stop();
  } catch (error) {
    problems.push(`the run stopped early: ${(error as Error).message.slice(0, 500)}`);
  } finally {
    options.signal?.removeEventListener('abort', disposeNow);
    await supervisor.killAll();
  }
  try {
    const integrity = options.negativeControl
      ? 'not checked (no --data-dir)'
      : integrityCheck(join(dataDir, databaseFileName));
    const report: KillReport = {
      options: {
        seconds: options.seconds,
        seed: options.seed,
        rate: options.rate,
        killEveryMs: options.killEveryMs,
        negativeControl: options.negativeControl,
      },
      figures: ledger.figures(),
      kills,
      portChanges: supervisor.portChanges,
      attemptsPerKill: attemptsInFlightPerOrigin,
      duplicateBound: kills.length * attemptsInFlightPerOrigin,
      journal,
      stopCode,
      integrity,
      lostExamples: ledger.lostExamples(),
      emulatorProblems: [...supervisor.problems()],
      problems,
      summary: '',
    };
    report.problems.push(...judgeKillLoop(report));
    report.summary = formatKillReport(report);
    return report;
  } finally {
    await receiver.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
