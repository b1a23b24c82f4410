import { buildApp } from '../../emulator/http/app.js';
import { appointmentBody, createAppointment, subscribeFlow } from '../lib/calls.js';
import { type Measure, rounds, sized } from '../lib/figure.js';
import { fmt } from '../lib/format.js';
import { startCountingReceiver } from '../lib/receiver.js';
import { startRelay } from '../lib/relay.js';
import { scaleMailbox, scaleSeed, scaleToken } from '../lib/scale-seed.js';
import { alongside } from '../lib/stats.js';
import { subscriptionCost } from '../lib/subscription-heap.js';

const flowsPerMailbox = 5;

/**
 * Many mailboxes at once: `mailboxes` businesses (one administrator each), five flows subscribed
 * to each through the trigger API, then appointment changes spread across the mailboxes, each
 * delivered to its mailbox's five flows (the emulator in process, driven by inject() as in the
 * delivery figures). Reports deliveries per second against the relay holding the same
 * subscriptions, and the heap each subscription costs: heap after subscribing minus heap before,
 * each after a full collection, in a fresh process running the emulator (subscription-heap.ts).
 */
export const measure: Measure = async (effort) => {
  const mailboxes = sized(effort, 1_000, 20);
  const changes = sized(effort, 1_000, 20);
  const subscriptions = mailboxes * flowsPerMailbox;
  const receiver = await startCountingReceiver();
  // One business more than measured: the warm-up's. Its one change compiles the validators and
  // opens the connections before the first measured round.
  const app = await buildApp({
    seed: scaleSeed(mailboxes + 1),
    maxPendingDeliveries: 1_000_000,
    perOriginConcurrency: 32,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const relay = await startRelay();
  const warmUp = mailboxes;
  await subscribeFlow(app, `${receiver.url}/warm-up`, scaleMailbox(warmUp), scaleToken(warmUp));
  await relay.subscribe(scaleMailbox(warmUp), `${receiver.url}/relay-warm-up`);
  await createAppointment(app, -1, scaleMailbox(warmUp));
  await relay.change(scaleMailbox(warmUp), appointmentBody(-1));
  await receiver.waitFor(2);

  for (let mailbox = 0; mailbox < mailboxes; mailbox++) {
    for (let flow = 0; flow < flowsPerMailbox; flow++) {
      await subscribeFlow(
        app,
        `${receiver.url}/m${mailbox}/flow-${flow}`,
        scaleMailbox(mailbox),
        scaleToken(mailbox),
      );
      await relay.subscribe(scaleMailbox(mailbox), `${receiver.url}/m${mailbox}/relay-${flow}`);
    }
  }

  /** Deliveries per second of `changes` changes, one after another, change i to mailbox i mod N. */
  const deliveriesPerSecond = async (change: (mailbox: string, hour: number) => Promise<unknown>) => {
    const already = receiver.count();
    const started = performance.now();
    for (let i = 0; i < changes; i++) await change(scaleMailbox(i % mailboxes), Math.floor(i / mailboxes));
    await receiver.waitFor(already + changes * flowsPerMailbox);
    return (changes * flowsPerMailbox) / ((performance.now() - started) / 1000);
  };
  let round = 0;
  const result = await alongside(
    rounds(effort),
    () => {
      const first = ++round * changes;
      return deliveriesPerSecond((mailbox, hour) => createAppointment(app, first + hour, mailbox));
    },
    { relay: () => deliveriesPerSecond((mailbox, hour) => relay.change(mailbox, appointmentBody(hour))) },
  );
  await app.close();
  await relay.close();
  await receiver.close();
  const cost = await subscriptionCost(mailboxes, flowsPerMailbox);
  if (relay.failures().length > 0) throw new Error(`relay POSTs failed: ${relay.failures()[0]}`);
  const scale = `${fmt(mailboxes)} mailboxes × ${flowsPerMailbox} flows (${fmt(subscriptions)} subscriptions)`;
  return [
    {
      figure: `deliveries per second, ${scale}, ${fmt(changes)} changes spread across them`,
      value: fmt(result.ours),
      baseline: `${fmt(result.baselines.relay.value)} (relay with the same subscriptions)`,
      ratio: result.baselines.relay.ratio,
      target: '≥ 0.6x (as delivery-5)',
      met: result.baselines.relay.ratio >= 0.6,
    },
    {
      figure: `heap per subscription, ${scale}, subscribed at ${fmt(cost.emulator.perSecond)}/s`,
      value: `${fmt(cost.emulator.heapBytes)} bytes`,
      baseline: `${fmt(cost.relay.heapBytes)} bytes (relay: the URL kept under its mailbox)`,
      ratio: cost.emulator.heapBytes / cost.relay.heapBytes,
      target: 'none',
    },
  ];
};
