import { buildApp } from '../../emulator/http/app.js';
import { appointmentBody, createAppointment, demoMailbox, rawPost, subscribeFlow } from '../lib/calls.js';
import { type Measure, sized } from '../lib/figure.js';
import { fmt } from '../lib/format.js';
import { startCountingReceiver } from '../lib/receiver.js';
import { startRelay } from '../lib/relay.js';
import { median, percentile } from '../lib/stats.js';

/** Milliseconds from each `send` to its arrival at the receiver, one at a time, warm-up dropped. */
async function latencies(
  receiver: Awaited<ReturnType<typeof startCountingReceiver>>,
  warmUp: number,
  count: number,
  send: (i: number) => Promise<unknown>,
): Promise<number[]> {
  const measured: number[] = [];
  for (let i = 0; i < warmUp + count; i++) {
    const already = receiver.count();
    const before = performance.now();
    await send(i);
    await receiver.waitFor(already + 1);
    if (i >= warmUp) measured.push(performance.now() - before);
  }
  return measured;
}

const p50p99 = (values: number[]) => `${fmt(median(values), 2)} / ${fmt(percentile(values, 99), 2)} ms`;

/**
 * From an appointment change to its delivery arriving, one at a time, against one raw POST and
 * against the relay (the same Graph POST, forwarded once). The first rounds of each side warm up
 * the JIT, connections and lazily compiled validators.
 */
export const measure: Measure = async (effort) => {
  const warmUp = sized(effort, 100, 5);
  const count = sized(effort, 1_000, 20);
  const receiver = await startCountingReceiver();
  const app = await buildApp({});
  await app.listen({ port: 0, host: '127.0.0.1' });
  await subscribeFlow(app, `${receiver.url}/flow`);
  const ours = await latencies(receiver, warmUp, count, (i) => createAppointment(app, i));
  const sample = app.emulator.state.store.deliveries.list()[0]?.attempts[0]?.requestBody ?? '{}';
  await app.close();
  const relay = await startRelay();
  await relay.subscribe(demoMailbox, `${receiver.url}/relay`);
  const relayed = await latencies(receiver, warmUp, count, (i) =>
    relay.change(demoMailbox, appointmentBody(i)),
  );
  await relay.close();
  if (relay.failures().length > 0) throw new Error(`relay POSTs failed: ${relay.failures()[0]}`);
  const bare = await latencies(receiver, warmUp, count, () => rawPost(`${receiver.url}/raw`, sample));
  await receiver.close();
  const figure = `change-to-delivery latency p50 / p99 (${fmt(count)} sequential, after ${warmUp} warm-up)`;
  const againstRaw = percentile(ours, 99) / percentile(bare, 99);
  const againstRelay = percentile(ours, 99) / percentile(relayed, 99);
  return [
    {
      figure,
      value: p50p99(ours),
      baseline: `${p50p99(bare)} (one raw POST)`,
      ratio: againstRaw,
      target: 'none: the relay row is the target',
    },
    {
      figure: `${figure}, against the relay`,
      value: p50p99(ours),
      baseline: `${p50p99(relayed)} (relay: Fastify route + undici)`,
      ratio: againstRelay,
      target: 'p99 ≤ 3x',
      met: againstRelay <= 3,
    },
  ];
};
