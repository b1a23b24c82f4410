import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
  path: string;
  /** The status this receiver answered with. */
  status?: number;
}

/**
 * A real flow endpoint on 127.0.0.1 that records what it receives. `respond` picks the status of
 * each answer (1-based request count), so tests can make it fail, throttle or redirect.
 */
export class TestReceiver {
  readonly received: ReceivedRequest[] = [];
  private readonly waiters: Array<{ done: (received: ReceivedRequest[]) => boolean; resolve: () => void }> =
    [];
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly respond: (
      n: number,
      request: ReceivedRequest,
    ) => { status: number; headers?: Record<string, string> } = () => ({
      status: 200,
    }),
  ) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
        const received: ReceivedRequest = {
          headers: request.headers,
          rawBody,
          body,
          path: request.url ?? '',
        };
        this.received.push(received);
        const answer = this.respond(this.received.length, received);
        received.status = answer.status;
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(answer.status >= 400 ? 'receiver says no' : 'ok');
        for (const waiter of [...this.waiters]) {
          if (waiter.done(this.received)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves once `count` requests have arrived; rejects after `timeoutMs` with what did arrive. */
  waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedRequest[]> {
    return this.waitUntil((received) => received.length >= count, `${count} requests`, timeoutMs);
  }

  /** Resolves once what has arrived satisfies `done`; rejects after `timeoutMs`. */
  waitUntil(
    done: (received: ReceivedRequest[]) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<ReceivedRequest[]> {
    if (done(this.received)) return Promise.resolve(this.received);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`expected ${what}, got ${this.received.length} requests within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.received);
        },
      });
    });
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
