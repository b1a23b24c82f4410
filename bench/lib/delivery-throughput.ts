import type { Delivery } from '../../emulator/generated/schema-types.js';
import { buildApp } from '../../emulator/http/app.js';
import { appointmentBody, createAppointment, demoMailbox, rawPost, subscribeFlow } from './calls.js';
import { type Effort, type Row, rounds } from './figure.js';
import { fmt, mib } from './format.js';
import { startCountingReceiver } from './receiver.js';
import { startRelay } from './relay.js';
import { alongside } from './stats.js';

/** Raw POSTs of one payload from undici to the receiver, 32 at a time: the delivery baseline. */
async function rawPostsPerSecond(url: string, payload: string, count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      await rawPost(url, payload);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return count / ((performance.now() - started) / 1000);
}

/** Settled deliveries already in the journal before a throughput run, each a full copy of a real one. */
function prefillJournal(
  app: Awaited<ReturnType<typeof buildApp>>,
  template: Delivery,
  entries: number,
): void {
  for (let i = 0; i < entries; i++) {
    const copy = structuredClone(template);
    copy.deliveryId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    copy.appointmentId = `prefilled-${i}`;
    app.emulator.state.store.deliveries.insert(copy);
  }
}

/**
 * Deliveries per second from `changes` appointment changes to `flows` flows, optionally with
 * `journalEntries` settled deliveries already journaled. Two baselines in the same run: raw undici
 * POSTs of the emulator's payload (the wire alone), and the relay (bench/lib/relay.ts), which gets
 * the same Graph POSTs, one after another, and forwards each body once per flow.
 */
export async function deliveryThroughput(
  effort: Effort,
  flows: number,
  changes: number,
  journalEntries = 0,
): Promise<Row[]> {
  const receiver = await startCountingReceiver();
  const app = await buildApp({ maxPendingDeliveries: 1_000_000, perOriginConcurrency: 32 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const relay = await startRelay();
  for (let i = 0; i < flows; i++) {
    await subscribeFlow(app, `${receiver.url}/flow-${i}`);
    await relay.subscribe(demoMailbox, `${receiver.url}/relay-${i}`);
  }
  let rssGrowth = 0;
  if (journalEntries > 0) {
    await createAppointment(app, -1);
    await receiver.waitFor(flows);
    const [template] = app.emulator.state.store.deliveries.list();
    if (!template) throw new Error('no delivery to copy into the journal');
    const before = process.memoryUsage().rss;
    prefillJournal(app, template, journalEntries);
    rssGrowth = process.memoryUsage().rss - before;
  }
  /** Deliveries per second of `change` fired `changes` times one after another, until all landed. */
  const deliveriesPerSecond = async (change: (hour: number) => Promise<unknown>, firstHour: number) => {
    const already = receiver.count();
    const started = performance.now();
    for (let i = 0; i < changes; i++) await change(firstHour + i);
    await receiver.waitFor(already + changes * flows);
    return (changes * flows) / ((performance.now() - started) / 1000);
  };
  let round = 0;
  const emulatorRound = () => deliveriesPerSecond((hour) => createAppointment(app, hour), ++round * changes);
  const relayRound = () => deliveriesPerSecond((hour) => relay.change(demoMailbox, appointmentBody(hour)), 0);
  // Warm-up: JIT, connections, validators compiled on first use.
  await emulatorRound();
  await relayRound();
  const sample = app.emulator.state.store.deliveries.list()[0]?.attempts[0]?.requestBody ?? '{}';
  const result = await alongside(rounds(effort), emulatorRound, {
    raw: () => rawPostsPerSecond(`${receiver.url}/raw`, sample, changes * flows),
    relay: relayRound,
  });
  await app.close();
  await relay.close();
  await receiver.close();
  if (relay.failures().length > 0) throw new Error(`relay POSTs failed: ${relay.failures()[0]}`);
  const { raw, relay: relayed } = result.baselines;
  const figure = `deliveries per second, ${flows} flow(s), ${fmt(changes)} changes${
    journalEntries > 0 ? `, ${fmt(journalEntries)} already in the journal` : ''
  }`;
  const value =
    journalEntries > 0 ? `${fmt(result.ours)} (journal: +${mib(rssGrowth)} RSS)` : fmt(result.ours);
  return [
    {
      figure,
      value,
      baseline: `${fmt(raw.value)} (raw undici POSTs)`,
      ratio: raw.ratio,
      target: 'none: the relay row is the target',
    },
    {
      figure: `${figure}, against the relay`,
      value,
      baseline: `${fmt(relayed.value)} (relay: Fastify route + undici)`,
      ratio: relayed.ratio,
      target: '≥ 0.6x',
      met: relayed.ratio >= 0.6,
    },
  ];
}
