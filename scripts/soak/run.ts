import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { createEmulatorClient, type EmulatorClient } from '../../emulator/client/client.js';
import { controlPaths } from '../../emulator/client/paths.js';
import type { Seed } from '../../emulator/generated/schema-types.js';
import {
  DeliveryLedger,
  defaultBounds,
  formatReport,
  judge,
  type ProcessSample,
  type SoakBounds,
  type SoakOutcome,
} from './accounting.js';
import { startEmulatorProcess } from './emulator-process.js';
import { defaultBehaviour, type FlakyBehaviour, startFlakyReceiver } from './flaky-receiver.js';
import { type LoadFigures, loadMailbox, poolTransport, soakAdminToken } from './load.js';

export interface SoakOptions {
  seconds: number;
  seed: number;
  /** Load calls per second, across all mailboxes. */
  rate: number;
  mailboxes: number;
  /** Retries short enough to land within the run; longer than the receiver's refusals per delivery. */
  retryPolicy: string;
  receiver: Partial<FlakyBehaviour>;
  /** How long the drain may wait for the last retries. */
  drainSeconds: number;
  bounds: SoakBounds;
  /** Called with a line now and then, so a long run shows it is alive. */
  progress?: (line: string) => void;
}

const defaultSoakOptions: SoakOptions = {
  seconds: 300,
  seed: 1,
  rate: 40,
  mailboxes: 4,
  // Six retries within about 8 s; the receiver refuses one delivery at most three times.
  retryPolicy: '250ms,500ms,1s,2s,2s,2s',
  receiver: {},
  drainSeconds: 60,
  bounds: defaultBounds,
};

export interface SoakResult {
  outcome: SoakOutcome;
  load: LoadFigures;
  problems: string[];
  report: string;
}

/** `mailboxes` businesses, `soak0@contoso.example` and on, each with service `one` and an administrator. */
export function soakSeed(mailboxes: number): Seed {
  return {
    users: [{ upn: 'soak-admin@contoso.example', token: soakAdminToken }],
    businesses: Array.from({ length: mailboxes }, (_, n) => ({
      email: `soak${n}@contoso.example`,
      displayName: `Soak ${n}`,
      staff: [
        {
          id: `s${n}`,
          displayName: 'Soak Admin',
          emailAddress: 'soak-admin@contoso.example',
          role: 'administrator',
        },
      ],
      services: [{ id: 'one', displayName: 'One to one', durationMinutes: 30, maxAttendees: 1 }],
    })),
  };
}

async function unsettledDeliveries(client: EmulatorClient): Promise<number> {
  let count = 0;
  for (const status of ['pending', 'retrying'] as const) {
    count += (await client.deliveries({ status })).deliveries.length;
  }
  return count;
}

async function waitFor(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(everyMs);
  }
  return done();
}

/**
 * A bounded soak: the built emulator as a child process, a flaky receiver, steady load on every
 * mailbox, then a drain and the count. Used by `npm run soak` and, shortened, by the CI mini-soak.
 */
export async function runSoak(overrides: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const options = { ...defaultSoakOptions, ...overrides };
  const say = options.progress ?? (() => {});
  const folder = mkdtempSync(join(tmpdir(), 'bookings-soak-'));
  const seedFile = join(folder, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(soakSeed(options.mailboxes)));
  const ledger = new DeliveryLedger();
  const receiver = await startFlakyReceiver(ledger, {
    ...defaultBehaviour,
    seed: options.seed,
    ...options.receiver,
  });
  const emulator = await startEmulatorProcess(['--seed', seedFile, '--retry-policy', options.retryPolicy]);
  const pool = new Pool(emulator.url, { connections: options.mailboxes });
  try {
    const start = await emulator.sample({ collect: true });
    const peak = { rssBytes: start.rssBytes, heapUsedBytes: start.heapUsedBytes };
    const watchPeak = (sample: ProcessSample) => {
      peak.rssBytes = Math.max(peak.rssBytes, sample.rssBytes);
      peak.heapUsedBytes = Math.max(peak.heapUsedBytes, sample.heapUsedBytes);
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling && emulator.problems().length === 0) {
        await sleep(2_000);
        const sample = await emulator.sample().catch(() => undefined);
        if (!sample) continue;
        watchPeak(sample);
        const figures = ledger.figures();
        say(
          `sent ${figures.sent}, delivered ${figures.delivered}, RSS ${(sample.rssBytes / 1048576).toFixed(0)} MiB, fds ${sample.openFds}`,
        );
      }
    })();

    say(`load for ${options.seconds} s at ${options.rate} calls/s on ${options.mailboxes} mailboxes`);
    const until = Date.now() + options.seconds * 1000;
    const workers = await Promise.all(
      Array.from({ length: options.mailboxes }, (_, n) =>
        loadMailbox({
          pool,
          mailbox: `soak${n}@contoso.example`,
          receiverUrl: receiver.url,
          ledger,
          seed: options.seed * 1000 + n,
          rate: options.rate / options.mailboxes,
          until,
        }),
      ),
    );
    const load: LoadFigures = {
      operations: workers.reduce((sum, each) => sum + each.operations, 0),
      errors: workers.reduce((sum, each) => sum + each.errors, 0),
      limitRefusals: workers.reduce((sum, each) => sum + each.limitRefusals, 0),
      errorExamples: workers.flatMap((each) => each.errorExamples).slice(0, 5),
    };
    await pool.close();
    const control = new Pool(emulator.url, { connections: 1 });
    const overControl = poolTransport(control);
    const controlClient = createEmulatorClient({ transport: overControl });

    say(`draining: ${ledger.outstanding()} events outstanding`);
    await waitFor(
      () => ledger.outstanding() === 0 || emulator.problems().length > 0,
      options.drainSeconds * 1000,
    );
    let pendingAfterDrain = 0;
    await waitFor(
      async () => {
        pendingAfterDrain = await unsettledDeliveries(controlClient);
        return pendingAfterDrain === 0;
      },
      15_000,
      500,
    );
    // The peak is the run's: sampling stops before the whole journal is fetched (and serialised) below.
    sampling = false;
    await sampler;
    // The size on the wire, so the transport's text rather than the client's parsed body.
    const journal = await overControl({ method: 'GET', path: controlPaths.deliveries(), headers: {} });
    const journalBytes = Buffer.byteLength(journal.body);
    // Our keep-alive sockets would otherwise stay open for the server's 72 s and count as the emulator's.
    await control.close();
    // Keep-alive sockets (the emulator's to the receiver, ours to it) close by themselves within seconds.
    let end = await emulator.sample({ collect: true });
    await waitFor(
      async () => {
        end = await emulator.sample({ collect: true });
        return end.openFds <= start.openFds;
      },
      15_000,
      1_000,
    );
    watchPeak(end);

    const outcome: SoakOutcome = {
      deliveries: ledger.figures(),
      resources: { start, end, peak, journalBytes },
      operationErrors: load.errors,
      pendingAfterDrain,
      emulatorProblems: [...emulator.problems()],
    };
    const problems = judge(outcome, options.bounds);
    if (outcome.deliveries.lost > 0) problems.push(`lost, for example: ${ledger.lostExamples().join(', ')}`);
    if (load.errorExamples.length > 0)
      problems.push(`failed calls, for example: ${load.errorExamples.join(' | ')}`);
    const report = [
      formatReport(
        outcome,
        { seconds: options.seconds, seed: options.seed, operations: load.operations },
        options.bounds,
      ),
      `sixth subscriptions refused (429)  ${load.limitRefusals}`,
    ].join('\n');
    return { outcome, load, problems, report };
  } finally {
    await pool.close().catch(() => {});
    await emulator.stop();
    await receiver.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
