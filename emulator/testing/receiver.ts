import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Recorder } from './recorder.js';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
  path: string;
  /** The status this receiver answered with. */
  status?: number;
}

/** Picks the answer to the n-th request (1-based). */
export type Responder = (
  n: number,
  request: ReceivedRequest,
) => { status: number; headers?: Record<string, string> };

/** Reads a whole request; `body` is the parsed JSON, or undefined when it does not parse. */
function readRequest(request: IncomingMessage, onRead: (received: ReceivedRequest) => void): void {
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
    onRead({ headers: request.headers, rawBody, body, path: request.url ?? '' });
  });
}

/** Listens on a free port of 127.0.0.1; resolves with the base URL. */
async function listenLocally(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  if (!server.listening) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A real flow endpoint on 127.0.0.1 that records what it receives. `respond` picks the status of
 * each answer (1-based request count), so tests can make it fail, throttle or redirect.
 */
export class TestReceiver {
  readonly received: ReceivedRequest[] = [];
  private readonly log = new Recorder('requests', this.received);
  private server: Server | undefined;
  url = '';

  constructor(private readonly respond: Responder = () => ({ status: 200 })) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      readRequest(request, (received) => {
        const answer = this.respond(this.received.length + 1, received);
        received.status = answer.status;
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(answer.status >= 400 ? 'receiver says no' : 'ok');
        this.log.push(received);
      });
    });
    this.url = await listenLocally(this.server);
    return this;
  }

  /** Resolves once `count` requests have arrived; rejects after `timeoutMs` with what did arrive. */
  waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedRequest[]> {
    return this.log.waitFor(count, timeoutMs);
  }

  /** Resolves once what has arrived satisfies `done`; rejects after `timeoutMs`. */
  waitUntil(
    done: (received: ReceivedRequest[]) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<ReceivedRequest[]> {
    return this.log.waitUntil(done, what, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.server) await closeServer(this.server);
  }
}

export interface HeldRequest extends ReceivedRequest {
  /** The answer not yet given; `releaseAll()` ends it with a 200. */
  response: ServerResponse;
}

/**
 * A flow endpoint on 127.0.0.1 that reads each request and does not answer until the test calls
 * `releaseAll()` (a receiver that never answers, when it never does), so an attempt stays on the wire.
 */
export class HoldingReceiver {
  readonly requests: HeldRequest[] = [];
  private readonly log = new Recorder('requests', this.requests);
  private readonly server = createServer((request, response) =>
    readRequest(request, (received) => this.log.push({ ...received, response })),
  );
  url = '';

  async start(): Promise<this> {
    this.url = await listenLocally(this.server);
    return this;
  }

  /** Resolves once `count` requests have arrived (and are being held). */
  waitFor(count: number, timeoutMs = 10_000): Promise<HeldRequest[]> {
    return this.log.waitFor(count, timeoutMs);
  }

  /** Answers 200 to every request held so far. */
  releaseAll(): void {
    for (const { response } of this.requests) if (!response.writableEnded) response.end('ok');
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }
}
