import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../emulator/core/random.js';
import { type DeliveryLedger, eventKey } from './accounting.js';

export interface FlakyBehaviour {
  /** Share of answers that are a refusal (half 500, half 429 with Retry-After: 1). */
  failureRate: number;
  /**
   * A delivery is refused at most this many times, then accepted: with a retry budget larger than
   * this, every loss is the emulator's doing, never the receiver's luck.
   */
  maxFailuresPerDelivery: number;
  /** Share of answers that come late, between 100 ms and `slowMaxMs` (below the 10 s attempt timeout). */
  slowRate: number;
  slowMaxMs: number;
  seed: number;
}

export const defaultBehaviour: FlakyBehaviour = {
  failureRate: 0.2,
  maxFailuresPerDelivery: 3,
  slowRate: 0.05,
  slowMaxMs: 1_500,
  seed: 1,
};

interface Payload {
  /** The Graph appointment id; SelfServiceAppointmentId is its own id under the default policies. */
  Id?: unknown;
  AdditionalInfo?: unknown;
}

/**
 * A flow endpoint on 127.0.0.1 that misbehaves on a seeded schedule and tells the ledger what each
 * POST carried and how it answered. It keeps counts, not bodies, so a long run stays small.
 */
export async function startFlakyReceiver(
  ledger: DeliveryLedger,
  behaviour: FlakyBehaviour = defaultBehaviour,
): Promise<{ url: string; close(): Promise<void> }> {
  const random = seededRandom(behaviour.seed);
  const failures = new Map<string, number>();

  const answer = async (path: string, deliveryId: string, raw: string): Promise<number> => {
    let payload: Payload = {};
    try {
      payload = JSON.parse(raw) as Payload;
    } catch {
      // An unreadable body still counts, under a key nothing expects.
    }
    const key = eventKey(path, String(payload.Id), String(payload.AdditionalInfo));
    // Draws happen in arrival order; the schedule repeats as far as arrival order does.
    const slow = random() < behaviour.slowRate;
    const fail = random() < behaviour.failureRate;
    const failedSoFar = failures.get(deliveryId) ?? 0;
    if (slow) await sleep(100 + Math.floor(random() * (behaviour.slowMaxMs - 100)));
    const status =
      fail && failedSoFar < behaviour.maxFailuresPerDelivery ? (random() < 0.5 ? 500 : 429) : 200;
    if (status !== 200) failures.set(deliveryId, failedSoFar + 1);
    else failures.delete(deliveryId);
    ledger.record(key, status);
    return status;
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const deliveryId = String(request.headers['x-emulator-delivery-id'] ?? '');
      void answer(request.url ?? '', deliveryId, Buffer.concat(chunks).toString('utf8')).then((status) => {
        response.writeHead(status, status === 429 ? { 'retry-after': '1' } : {});
        response.end(status === 200 ? 'ok' : 'not now');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
