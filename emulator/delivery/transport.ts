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
}

interface DispatchTarget {
  origin: string;
  path: string;
}

/** Flow URLs are few; a run that makes up many (redeliveries elsewhere) only starts over. */
const maxTargets = 1024;

/** What came back on the wire, before it is read as an attempt's result. */
type WireOutcome =
  | { error: Error }
  | { error?: undefined; statusCode: number; excerpt: string; retryAfter?: string; location?: string };

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
  private readonly targets = new Map<string, DispatchTarget>();

  constructor(
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {}

  /**
   * One POST through the agent's own dispatch, with a handler that keeps the excerpt: no response
   * stream, no parsed header object and no promise inside undici for every attempt (bench:
   * deliveries per second). `body` may be a Buffer shared by every flow the payload goes to.
   */
  send(url: string, headers: Record<string, string>, body: string | Buffer): Promise<AttemptResult> {
    if (this.loaded === undefined) return this.load().then(() => this.send(url, headers, body));
    const { agent } = this.loaded;
    return new Promise<AttemptResult>((resolve) => {
      const handler = new ExcerptHandler((outcome) => resolve(this.result(outcome)));
      try {
        const { origin, path } = this.target(url);
        agent.dispatch({ origin, path, method: 'POST', headers, body }, handler);
      } catch (error) {
        handler.onError(error as Error);
      }
    });
  }

  private result(outcome: WireOutcome): AttemptResult {
    if (outcome.error !== undefined) {
      const err = outcome.error as Error & { code?: string };
      const reason = this.wireCut
        ? 'aborted: the emulator was stopping'
        : timeoutCodes.has(err.code ?? '')
          ? `timed out after ${this.timeoutMs} ms`
          : err.message;
      return { error: `${err.code ? `${err.code}: ` : ''}${reason}` };
    }
    const { statusCode, retryAfter, location } = outcome;
    const result: AttemptResult = { responseStatus: statusCode, responseBodyExcerpt: outcome.excerpt };
    if (statusCode >= 300 && statusCode < 400) {
      // Following a redirect would let an allowlisted host forward the payload anywhere.
      result.error = `redirect to ${location ?? '(no location)'} not followed`;
    }
    const retryAfterMs = parseRetryAfter(retryAfter, this.clock.now());
    if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
    return result;
  }

  /** Where undici sends a flow URL, worked out once per URL: every change to a flow goes there. */
  private target(url: string): DispatchTarget {
    let target = this.targets.get(url);
    if (target === undefined) {
      if (this.targets.size >= maxTargets) this.targets.clear();
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      this.targets.set(url, target);
    }
    return target;
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
    this.http ??= import('undici').then(({ Agent }) => ({
      // Timeouts live on the agent, not in a per-request AbortSignal: two signals and a timer for
      // every attempt cost more than the POST itself (bench: deliveries per second).
      agent: new Agent({
        keepAliveTimeout: 4_000,
        connections: 64,
        connect: { timeout: this.timeoutMs },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      }),
    }));
    void this.http.then((client) => {
      this.loaded = client;
    });
    return this.http;
  }
}

type RawHeader = Buffer | string | Array<Buffer | string>;

const headerText = (value: RawHeader | undefined): string | undefined =>
  value === undefined
    ? undefined
    : Array.isArray(value)
      ? value.map((part) => part.toString('latin1')).join(',')
      : value.toString('latin1');

/**
 * An undici dispatch handler (the core callbacks) that keeps the status, Retry-After, Location and
 * the first 2 KiB of the body, then lets the rest go: past 2 KiB it aborts the response, as
 * destroying a response body does.
 */
class ExcerptHandler {
  private abort: ((error?: Error) => void) | undefined;
  private statusCode = 0;
  private retryAfter: string | undefined;
  private location: string[] | undefined;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private done = false;

  constructor(private readonly finish: (outcome: WireOutcome) => void) {}

  onConnect(abort: (error?: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: RawHeader[]): boolean {
    // 1xx answers are informational; the final one follows.
    if (statusCode < 200) return true;
    this.statusCode = statusCode;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i];
      // Lengths first: most headers are neither, and need no string made of them.
      if (name === undefined || (name.length !== 11 && name.length !== 8)) continue;
      const lower = headerText(name)?.toLowerCase();
      if (lower === 'retry-after') this.retryAfter ??= headerText(rawHeaders[i + 1]);
      else if (lower === 'location') {
        this.location ??= [];
        this.location.push(headerText(rawHeaders[i + 1]) ?? '');
      }
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.size >= excerptBytes) return true;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= excerptBytes) {
      this.settle();
      // The abort error that follows goes to onError, after the excerpt is settled.
      this.abort?.();
    }
    return true;
  }

  onComplete(): void {
    this.settle();
  }

  onError(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.finish({ error });
  }

  private settle(): void {
    if (this.done) return;
    this.done = true;
    const outcome: WireOutcome = { statusCode: this.statusCode, excerpt: excerptOf(this.chunks) };
    if (this.retryAfter !== undefined) outcome.retryAfter = this.retryAfter;
    if (this.location !== undefined) outcome.location = this.location.join(',');
    this.finish(outcome);
  }
}

const excerptOf = (chunks: Buffer[]): string =>
  chunks.length === 0
    ? ''
    : chunks.length === 1
      ? (chunks[0] as Buffer).toString('utf8', 0, excerptBytes)
      : Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8');
