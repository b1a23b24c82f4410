import type { Delivery } from '../../emulator/generated/schema-types.js';
import { buildApp } from '../../emulator/http/app.js';
import { createAppointment, rawPost, subscribeFlow } from './calls.js';
import { type Row, rounds } from './figure.js';
import { fmt, mib } from './format.js';
import { startCountingReceiver } from './receiver.js';
import { inTurns } from './stats.js';

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
 * `journalEntries` settled deliveries already journaled; the baseline is raw undici POSTs.
 */
export async function deliveryThroughput(flows: number, changes: number, journalEntries = 0): Promise<Row[]> {
  const receiver = await startCountingReceiver();
  const app = await buildApp({ maxPendingDeliveries: 1_000_000, perOriginConcurrency: 32 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  for (let i = 0; i < flows; i++) await subscribeFlow(app, `${receiver.url}/flow-${i}`);
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
  const sendChanges = async (round: number): Promise<number> => {
    const already = receiver.count();
    const started = performance.now();
    for (let i = 0; i < changes; i++) await createAppointment(app, round * changes + i);
    await receiver.waitFor(already + changes * flows);
    return (changes * flows) / ((performance.now() - started) / 1000);
  };
  await sendChanges(0); // warm-up: JIT, connections, validators compiled on first use
  const sample = app.emulator.state.store.deliveries.list()[0]?.attempts[0]?.requestBody ?? '{}';
  let round = 0;
  const result = await inTurns(
    rounds,
    () => sendChanges(++round),
    () => rawPostsPerSecond(`${receiver.url}/raw`, sample, changes * flows),
  );
  await app.close();
  await receiver.close();
  return [
    {
      figure: `deliveries per second, ${flows} flow(s), ${fmt(changes)} changes${
        journalEntries > 0 ? `, ${fmt(journalEntries)} already in the journal` : ''
      }`,
      value: journalEntries > 0 ? `${fmt(result.ours)} (journal: +${mib(rssGrowth)} RSS)` : fmt(result.ours),
      baseline: `${fmt(result.baseline)} (raw undici POSTs)`,
      ratio: result.ratio,
      target: '≥ 0.5x',
      met: result.ratio >= 0.5,
    },
  ];
}
