import { buildApp } from '../../emulator/http/app.js';
import { createAppointment, rawPost, subscribeFlow } from '../lib/calls.js';
import type { Measure } from '../lib/figure.js';
import { fmt } from '../lib/format.js';
import { startCountingReceiver } from '../lib/receiver.js';
import { median, percentile } from '../lib/stats.js';

const latencyWarmUp = 100;
const latencyRounds = 1_000;

/** From an appointment change to its delivery arriving, one at a time, against one raw POST. */
export const measure: Measure = async () => {
  const receiver = await startCountingReceiver();
  const app = await buildApp({});
  await app.listen({ port: 0, host: '127.0.0.1' });
  await subscribeFlow(app, `${receiver.url}/flow`);
  const ours: number[] = [];
  // The first rounds of both sides warm up the JIT, connections and lazily compiled validators.
  for (let i = 0; i < latencyWarmUp + latencyRounds; i++) {
    const before = performance.now();
    await createAppointment(app, i);
    await receiver.waitFor(i + 1);
    if (i >= latencyWarmUp) ours.push(performance.now() - before);
  }
  const sample = app.emulator.state.store.deliveries.list()[0]?.attempts[0]?.requestBody ?? '{}';
  await app.close();
  const bare: number[] = [];
  for (let i = 0; i < latencyWarmUp + latencyRounds; i++) {
    const before = performance.now();
    await rawPost(`${receiver.url}/raw`, sample);
    if (i >= latencyWarmUp) bare.push(performance.now() - before);
  }
  await receiver.close();
  const ratio = percentile(ours, 99) / percentile(bare, 99);
  return [
    {
      figure: `change-to-delivery latency p50 / p99 (${fmt(latencyRounds)} sequential, after ${latencyWarmUp} warm-up)`,
      value: `${fmt(median(ours), 2)} / ${fmt(percentile(ours, 99), 2)} ms`,
      baseline: `${fmt(median(bare), 2)} / ${fmt(percentile(bare, 99), 2)} ms (one raw POST)`,
      ratio,
      target: 'p99 < 5x',
      met: ratio < 5,
    },
  ];
};
