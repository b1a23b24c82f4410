import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../emulator/core/paths.js';
import { buildApp } from '../../emulator/http/app.js';
import { subscribeFlow } from './calls.js';
import { collectedHeapUsed } from './heap.js';
import { startRelay } from './relay.js';
import { scaleMailbox, scaleSeed, scaleToken } from './scale-seed.js';

interface SubscriptionCost {
  /** Heap after subscribing minus heap before (each after a full collection), per subscription. */
  heapBytes: number;
  /** Subscribe calls per second while subscribing. */
  perSecond: number;
}

const entry = fileURLToPath(import.meta.url);
/** Nobody listens there; subscribing sends nothing. */
const nowhere = 'http://127.0.0.1:9';

async function subscribeAll(
  mailboxes: number,
  flows: number,
  subscribe: (mailbox: number, flow: number) => Promise<void>,
): Promise<SubscriptionCost> {
  const before = collectedHeapUsed();
  const started = performance.now();
  for (let mailbox = 0; mailbox < mailboxes; mailbox++)
    for (let flow = 0; flow < flows; flow++) await subscribe(mailbox, flow);
  const perSecond = (mailboxes * flows) / ((performance.now() - started) / 1000);
  return { heapBytes: (collectedHeapUsed() - before) / (mailboxes * flows), perSecond };
}

/** In this process: the emulator's cost per subscription, then the relay's, nothing closed between. */
async function measureHere(mailboxes: number, flows: number) {
  // One business more than measured: its warm-up subscription compiles the route's validator
  // before the first heap reading.
  const app = await buildApp({ seed: scaleSeed(mailboxes + 1) });
  const relay = await startRelay();
  await subscribeFlow(app, `${nowhere}/warm-up`, scaleMailbox(mailboxes), scaleToken(mailboxes));
  await relay.subscribe(scaleMailbox(mailboxes), `${nowhere}/warm-up`);
  const emulator = await subscribeAll(mailboxes, flows, (mailbox, flow) =>
    subscribeFlow(app, `${nowhere}/m${mailbox}/flow-${flow}`, scaleMailbox(mailbox), scaleToken(mailbox)),
  );
  const relayed = await subscribeAll(mailboxes, flows, (mailbox, flow) =>
    relay.subscribe(scaleMailbox(mailbox), `${nowhere}/m${mailbox}/relay-${flow}`),
  );
  await app.close();
  await relay.close();
  return { emulator, relay: relayed };
}

/**
 * What a subscription costs the emulator and the relay, measured in a fresh process: in the
 * bench's own, the apps earlier figures closed are still being let go, and the heap shrinks
 * under the measurement.
 */
export function subscriptionCost(
  mailboxes: number,
  flows: number,
): Promise<{ emulator: SubscriptionCost; relay: SubscriptionCost }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, String(mailboxes), String(flows)], {
    cwd: packageRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(output));
      else reject(new Error(`the subscription-cost process exited ${code}: ${output}`));
    });
  });
}

if (process.argv[1] === entry) {
  const result = await measureHere(Number(process.argv[2]), Number(process.argv[3]));
  process.stdout.write(JSON.stringify(result));
}
