import type { Readable } from 'node:stream';
import type { Agent } from 'undici';
import type { Clock } from '../core/clock.js';
import type { DeliveryAttempt } from '../generated/schema-types.js';
import { parseRetryAfter } from './retry-policy.js';

const excerptBytes = 2048;

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

type AttemptResult = Pick<DeliveryAttempt, 'responseStatus' | 'responseBodyExcerpt' | 'error'> & {
  retryAfterMs?: number;
};

interface HttpClient {
  agent: Agent;
  request: typeof import('undici').request;
}

/**
 * The wire: POSTs a body to a flow URL and captures what came back (status, the first 2 KiB of the
 * body, Retry-After) or what went wrong. Knows nothing of deliveries, retries or the journal.
 */
export class HttpTransport {
  /** undici is loaded with the first attempt: it is a tenth of the start-up time, and many runs send nothing. */
  private http: Promise<HttpClient> | undefined;
  /** The same client once loaded, so that an attempt does not wait a turn for it. */
  private loaded: HttpClient | undefined;
  /** Set when close() gives up waiting and cuts the attempts still on the wire. */
  private wireCut = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {}

  /** `url` may be a URL already parsed (and cached by the caller): undici takes either. */
  async send(url: string | URL, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    try {
      const { agent, request } = this.loaded ?? (await this.load());
      const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
      const excerpt = await readExcerpt(response.body);
      const retryAfterHeader = response.headers['retry-after'];
      const retryAfterMs = parseRetryAfter(
        Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader,
        this.clock.now(),
      );
      const result: AttemptResult = { responseStatus: response.statusCode, responseBodyExcerpt: excerpt };
      if (response.statusCode >= 300 && response.statusCode < 400) {
        // Following a redirect would let an allowlisted host forward the payload anywhere.
        result.error = `redirect to ${String(response.headers.location ?? '(no location)')} not followed`;
      }
      if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
      return result;
    } catch (error) {
      const err = error as Error & { code?: string };
      const reason = this.wireCut
        ? 'aborted: the emulator was stopping'
        : timeoutCodes.has(err.code ?? '')
          ? `timed out after ${this.timeoutMs} ms`
          : err.message;
      return { error: `${err.code ? `${err.code}: ` : ''}${reason}` };
    }
  }

  /** What an attempt under an injected stall fault records; nothing is sent. */
  stalled(): AttemptResult {
    return { error: `timed out after ${this.timeoutMs} ms (injected stall: the receiver never answered)` };
  }

  /** Aborts what is still on the wire; those attempts are journaled as stopped. */
  async cut(): Promise<void> {
    this.wireCut = true;
    if (this.http) await (await this.http).agent.destroy();
  }

  private load(): Promise<HttpClient> {
    this.http ??= import('undici').then(({ Agent, request }) => ({
      // Timeouts live on the agent, not in a per-request AbortSignal: two signals and a timer for
      // every attempt cost more than the POST itself (bench: deliveries per second).
      agent: new Agent({
        keepAliveTimeout: 4_000,
        connections: 64,
        connect: { timeout: this.timeoutMs },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      }),
      request,
    }));
    void this.http.then((client) => {
      this.loaded = client;
    });
    return this.http;
  }
}

/**
 * The first 2 KiB of a response body, then the rest is let go. Read with events rather than an
 * async iterator, which costs more than the small answer a flow gives (bench: deliveries per second).
 */
function readExcerpt(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      if (size >= excerptBytes) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= excerptBytes) {
        // Destroying an unfinished undici body emits an abort error: the listener below takes it,
        // after the excerpt has already been resolved.
        body.destroy();
        resolve(excerptOf(chunks));
      }
    });
    body.once('end', () => resolve(excerptOf(chunks)));
    body.on('error', reject);
  });
}

const excerptOf = (chunks: Buffer[]) => Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8');
