import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../emulator/core/random.js';
import type { KillLoopLedger } from './kill-ledger.js';

export interface KillReceiverBehaviour {
  /** Each answer comes after 0 to this many ms, so attempts are on the wire when a kill lands. */
  maxLatencyMs: number;
  /** Share of first attempts refused with 503, so some deliveries are retrying when a kill lands. */
  refuseRate: number;
  seed: number;
}

export interface KillReceiver {
  url: string;
  /** POSTs read and not answered yet. */
  inFlight(): number;
  close(): Promise<void>;
}

interface Payload {
  Id?: unknown;
  AdditionalInfo?: unknown;
}

/**
 * The flows' endpoint on 127.0.0.1: it tells the ledger what each POST carried and what it
 * answered. An arrival counts when its body has been read and the answer chosen, even if the
 * emulator is killed before the answer reaches it: the flow has seen the event by then.
 */
export async function startKillReceiver(
  ledger: KillLoopLedger,
  behaviour: KillReceiverBehaviour,
): Promise<KillReceiver> {
  const random = seededRandom(behaviour.seed);
  let inFlight = 0;

  const answer = async (path: string, attempt: string, raw: string): Promise<number> => {
    let payload: Payload = {};
    try {
      payload = JSON.parse(raw) as Payload;
    } catch {
      // An unreadable body still counts, under a marker nothing expects.
    }
    const latency = Math.floor(random() * behaviour.maxLatencyMs);
    const refuse = attempt === '1' && random() < behaviour.refuseRate;
    if (latency > 0) await sleep(latency);
    const status = refuse ? 503 : 200;
    ledger.arrival(path, String(payload.AdditionalInfo), String(payload.Id), status);
    return status;
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    inFlight += 1;
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A request cut off by a kill before its body ended never counts.
    request.on('close', () => {
      if (!request.complete) inFlight -= 1;
    });
    request.on('end', () => {
      const attempt = String(request.headers['x-emulator-attempt'] ?? '');
      void answer(request.url ?? '', attempt, Buffer.concat(chunks).toString('utf8')).then((status) => {
        inFlight -= 1;
        if (response.destroyed) return;
        response.writeHead(status);
        response.end(status === 200 ? 'ok' : 'not now');
      });
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inFlight: () => inFlight,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
