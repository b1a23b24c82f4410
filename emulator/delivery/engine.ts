import { Agent, request } from 'undici';
import type { Clock, TimerHandle } from '../clock.js';
import type { EmulatorEvents } from '../events.js';
import type {
  AppointmentData,
  ChangeType,
  Delivery,
  DeliveryAttempt,
  Subscription,
} from '../generated/schema-types.js';
import type { IdGenerator } from '../ids.js';
import { packageVersion } from '../paths.js';
import type { SchemaRegistry } from '../schemas/registry.js';
import { schemaId } from '../schemas/registry.js';
import type { DeliveryStore } from '../state/store.js';
import { isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry-policy.js';

export const deliveryIdHeader = 'x-emulator-delivery-id';
export const attemptHeader = 'x-emulator-attempt';

const excerptBytes = 2048;
/** Retry-After is honoured up to this much; a longer one would stall a test for no good reason. */
const maxRetryAfterMs = 60 * 60 * 1000;

export interface DeliveryEngineDeps {
  store: DeliveryStore;
  clock: Clock;
  ids: IdGenerator;
  events: EmulatorEvents;
  schemas: SchemaRegistry;
  retryPolicy: () => RetryPolicy;
  timeoutMs: number;
  log: { error(object: object, message: string): void };
}

export interface DeliveryRequest {
  subscription: Subscription;
  changeType: ChangeType;
  appointmentId: string;
  payload: AppointmentData;
}

type AttemptResult = Pick<DeliveryAttempt, 'responseStatus' | 'responseBodyExcerpt' | 'error'> & {
  retryAfterMs?: number;
};

/**
 * POSTs AppointmentData to flow URLs, asynchronously, with retries on the clock, and keeps every
 * attempt in the journal. Never awaited inside the request that caused the change.
 */
export class DeliveryEngine {
  private readonly agent = new Agent({ keepAliveTimeout: 4_000, connections: 64 });
  private readonly timers = new Map<string, TimerHandle>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  /** First attempts queued for the next turn of the event loop. */
  private startingSoon = 0;

  constructor(private readonly deps: DeliveryEngineDeps) {}

  enqueue(input: DeliveryRequest): Delivery {
    const delivery: Delivery = {
      deliveryId: this.deps.ids.uuid(),
      webhookId: input.subscription.webhookId,
      mailbox: input.subscription.mailbox,
      appointmentId: input.appointmentId,
      changeType: input.changeType,
      url: input.subscription.notificationUrl,
      status: 'pending',
      createdAt: new Date(this.deps.clock.now()).toISOString(),
      attempts: [],
      payload: input.payload,
    };
    this.deps.store.insert(delivery);
    this.deps.events.emit('delivery:queued', delivery);
    // The first attempt goes out at once, whatever the clock; only retries wait on it.
    this.startingSoon += 1;
    setImmediate(() => {
      this.startingSoon -= 1;
      void this.run(delivery.deliveryId);
    });
    return delivery;
  }

  /** Resolves when no attempt is queued or on the wire; retries waiting on the clock do not count. */
  async drain(): Promise<void> {
    do {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.allSettled([...this.inFlight]);
    } while (this.inFlight.size > 0 || this.startingSoon > 0);
  }

  /** Forgets scheduled retries (reset) without closing connections. */
  cancelScheduled(): void {
    for (const handle of this.timers.values()) this.deps.clock.clearTimer(handle);
    this.timers.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelScheduled();
    await this.drain();
    await this.agent.close();
  }

  /** Starts an attempt; the returned promise settles when it is done (the virtual clock waits on it). */
  private run(deliveryId: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    const task = this.attempt(deliveryId).catch((error: unknown) => {
      this.deps.log.error({ err: error, deliveryId }, 'delivery attempt crashed');
    });
    this.inFlight.add(task);
    return task.finally(() => this.inFlight.delete(task));
  }

  private async attempt(deliveryId: string): Promise<void> {
    this.timers.delete(deliveryId);
    const delivery = this.deps.store.get(deliveryId);
    if (!delivery || delivery.status === 'delivered' || delivery.status === 'failed') return;
    const attemptNumber = delivery.attempts.length + 1;
    const body = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `bookings-emulator/${packageVersion}`,
      [deliveryIdHeader]: delivery.deliveryId,
      [attemptHeader]: String(attemptNumber),
    };
    const startedAt = this.deps.clock.now();
    const started = performance.now();
    const violations = this.deps.schemas.check(schemaId('appointment-data.emulator'), delivery.payload);
    const result: AttemptResult =
      violations.length > 0
        ? {
            error: `not sent: the payload breaks the emulator's own schema (${violations
              .map((violation) => `${violation.pointer} ${violation.message}`)
              .join('; ')}); this is an emulator bug, please report it`,
          }
        : await this.send(new URL(delivery.url).href, headers, body);
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    if (violations.length > 0)
      this.deps.log.error({ deliveryId, violations }, 'refused to send an invalid payload');

    const status = result.responseStatus;
    const delivered = status !== undefined && status >= 200 && status < 300;
    const retryable =
      violations.length === 0 && !delivered && (status === undefined ? true : isRetryableStatus(status));
    const delays = this.deps.retryPolicy().delaysMs;
    const retryIndex = attemptNumber - 1;
    const willRetry = retryable && retryIndex < delays.length && !this.closed;
    const attempt: DeliveryAttempt = {
      attempt: attemptNumber,
      startedAt: new Date(startedAt).toISOString(),
      requestHeaders: headers,
      requestBody: body,
      latencyMs,
      outcome: delivered ? 'delivered' : willRetry ? 'retry' : 'failed',
      ...(result.responseStatus === undefined ? {} : { responseStatus: result.responseStatus }),
      ...(result.responseBodyExcerpt === undefined
        ? {}
        : { responseBodyExcerpt: result.responseBodyExcerpt }),
      ...(result.error === undefined ? {} : { error: result.error }),
    };
    delivery.attempts.push(attempt);
    delete delivery.nextAttemptAt;
    if (delivered) {
      delivery.status = 'delivered';
    } else if (willRetry) {
      const policyDelay = delays[retryIndex] ?? 0;
      const delay = Math.max(policyDelay, Math.min(result.retryAfterMs ?? 0, maxRetryAfterMs));
      delivery.status = 'retrying';
      delivery.nextAttemptAt = new Date(this.deps.clock.now() + delay).toISOString();
      this.timers.set(
        delivery.deliveryId,
        this.deps.clock.setTimer(() => this.run(delivery.deliveryId), delay),
      );
    } else {
      delivery.status = 'failed';
    }
    this.deps.store.save(delivery);
    this.deps.events.emit('delivery:attempt', delivery, attempt);
    if (delivery.status === 'delivered' || delivery.status === 'failed')
      this.deps.events.emit('delivery:settled', delivery);
  }

  private async send(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.deps.timeoutMs),
        headersTimeout: this.deps.timeoutMs,
        bodyTimeout: this.deps.timeoutMs,
      });
      const excerpt = await readExcerpt(response.body);
      const retryAfterHeader = response.headers['retry-after'];
      const retryAfterMs = parseRetryAfter(
        Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader,
        this.deps.clock.now(),
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
      const reason =
        err.name === 'TimeoutError' || err.name === 'AbortError'
          ? `timed out after ${this.deps.timeoutMs} ms`
          : err.message;
      return { error: `${err.code ? `${err.code}: ` : ''}${reason}` };
    }
  }
}

async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < excerptBytes) chunks.push(chunk);
    size += chunk.length;
    if (size >= excerptBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8');
}
