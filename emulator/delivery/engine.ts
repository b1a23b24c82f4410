import type { Agent } from 'undici';
import type { Clock, TimerHandle } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import { packageVersion } from '../core/paths.js';
import type { SchemaRegistry, SchemaViolation } from '../core/schemas/registry.js';
import { schemaId } from '../core/schemas/registry.js';
import type { EmulatorEvents } from '../domain/events.js';
import type { FaultRegistry } from '../domain/faults.js';
import type { DeliveryStore } from '../domain/store.js';
import type {
  AppointmentData,
  ChangeType,
  Delivery,
  DeliveryAttempt,
  DeliveryFault,
  Subscription,
} from '../generated/schema-types.js';
import { isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry-policy.js';

export const deliveryIdHeader = 'x-emulator-delivery-id';
export const attemptHeader = 'x-emulator-attempt';

const excerptBytes = 2048;
/** Retry-After is honoured up to this much; a longer one would stall a test for no good reason. */
const maxRetryAfterMs = 60 * 60 * 1000;
/** How long a reordered delivery waits for the flow's next one, unless the fault says otherwise. */
const defaultReorderHoldMs = 60_000;

interface DeliveryLimits {
  /** Attempts on the wire at once to one origin (scheme, host, port); the rest wait their turn. */
  perOriginConcurrency: number;
  /** Deliveries not yet settled, in all; past it a new delivery is refused and journaled as failed. */
  maxPending: number;
}

export interface DeliveryEngineDeps {
  store: DeliveryStore;
  clock: Clock;
  ids: IdGenerator;
  events: EmulatorEvents;
  schemas: SchemaRegistry;
  faults: FaultRegistry;
  retryPolicy: () => RetryPolicy;
  timeoutMs: number;
  limits: DeliveryLimits;
  log: { error(object: object, message: string): void };
}

export interface DeliveryRequest {
  subscription: Subscription;
  changeType: ChangeType;
  appointmentId: string;
  payload: AppointmentData;
  /** Set when the delivery must not be sent (its URL is no longer allowed): journaled as failed with this reason. */
  refused?: string;
}

type AttemptResult = Pick<DeliveryAttempt, 'responseStatus' | 'responseBodyExcerpt' | 'error'> & {
  retryAfterMs?: number;
};

interface HttpClient {
  agent: Agent;
  request: typeof import('undici').request;
}

interface OriginQueue {
  running: number;
  waiting: string[];
}

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const isSettled = (delivery: Delivery) => delivery.status === 'delivered' || delivery.status === 'failed';

/**
 * POSTs AppointmentData to flow URLs, asynchronously, with retries on the clock, and keeps every
 * attempt in the journal. Never awaited inside the request that caused the change. A slow or dead
 * receiver only holds up its own origin's queue; past `maxPending` new deliveries are refused
 * (journaled as failed with the reason), never dropped silently.
 */
export class DeliveryEngine {
  /** undici is loaded with the first attempt: it is a tenth of the start-up time, and many runs send nothing. */
  private http: Promise<HttpClient> | undefined;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly origins = new Map<string, OriginQueue>();
  private readonly unsettled = new Set<string>();
  /**
   * The one object per unsettled delivery that every step mutates and saves: a durable store
   * returns a fresh copy on each read, and two copies saved in turn would undo each other.
   */
  private readonly working = new Map<string, Delivery>();
  /** A delivery held back by a reorder fault, per subscription, released after the next one. */
  private readonly held = new Map<string, { deliveryId: string; timer: TimerHandle }>();
  /** Overtaking delivery -> the subscription whose held delivery goes once it has been attempted. */
  private readonly releaseAfter = new Map<string, string>();
  /** Deliveries with an attempt on the wire, and redeliveries asked for meanwhile. */
  private readonly attempting = new Set<string>();
  private readonly redeliverLater = new Map<string, { url?: string }>();
  private closing: Promise<void> | undefined;
  private readonly checked = new WeakMap<AppointmentData, SchemaViolation[]>();
  private readonly serialised = new WeakMap<AppointmentData, string>();
  /** Where the current round of attempts began: a redelivery gets a fresh retry budget. */
  private readonly roundStart = new Map<string, number>();
  private closed = false;
  /** Set when close() gives up waiting and cuts the attempts still on the wire. */
  private wireCut = false;
  /** Attempts queued for the next turn of the event loop. */
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
    if (input.refused !== undefined) {
      delivery.status = 'failed';
      delivery.refused = input.refused;
    } else if (this.unsettled.size >= this.deps.limits.maxPending) {
      delivery.status = 'failed';
      delivery.refused = this.queueFullReason();
    }
    this.deps.store.insert(delivery);
    this.deps.events.emit('delivery:queued', delivery);
    if (delivery.status === 'failed') {
      this.deps.events.emit('delivery:settled', delivery);
      return delivery;
    }
    this.track(delivery);
    this.dispatchNew(delivery);
    return delivery;
  }

  /** Sends a delivery again, keeping its id (attempts go on) or as a new delivery; `url` is already checked. */
  redeliver(deliveryId: string, options: { url?: string; renewId?: boolean } = {}): Delivery {
    const original = this.read(deliveryId);
    if (!original) throw errors.deliveryNotFound(deliveryId);
    const full = this.unsettled.size >= this.deps.limits.maxPending;
    if (options.renewId) {
      const copy: Delivery = {
        ...original,
        deliveryId: this.deps.ids.uuid(),
        url: options.url ?? original.url,
        status: 'pending',
        createdAt: new Date(this.deps.clock.now()).toISOString(),
        attempts: [],
        redeliveryOf: original.deliveryId,
      };
      delete copy.nextAttemptAt;
      delete copy.refused;
      if (full) {
        copy.status = 'failed';
        copy.refused = this.queueFullReason();
      }
      this.deps.store.insert(copy);
      this.deps.events.emit('delivery:queued', copy);
      if (full) {
        this.deps.events.emit('delivery:settled', copy);
        return copy;
      }
      this.track(copy);
      this.startSoon(copy.deliveryId);
      return copy;
    }
    if (full && !this.unsettled.has(deliveryId)) {
      throw errors.invalidControlRequest(
        `Cannot redeliver now: ${this.queueFullReason()}. Try again when receivers catch up.`,
      );
    }
    if (this.attempting.has(deliveryId)) {
      // The attempt on the wire finishes first; the redelivery follows it with the next number.
      this.redeliverLater.set(deliveryId, options.url === undefined ? {} : { url: options.url });
      return original;
    }
    this.restart(deliveryId, options.url);
    return original;
  }

  private restart(deliveryId: string, url: string | undefined): void {
    const delivery = this.read(deliveryId);
    if (!delivery) return;
    const timer = this.timers.get(deliveryId);
    if (timer) this.deps.clock.clearTimer(timer);
    this.timers.delete(deliveryId);
    delivery.status = 'pending';
    this.roundStart.set(deliveryId, delivery.attempts.length);
    if (url) delivery.url = url;
    delete delivery.nextAttemptAt;
    delete delivery.refused;
    this.deps.store.save(delivery);
    this.track(delivery);
    this.startSoon(deliveryId);
  }

  private queueFullReason(): string {
    return `not sent: ${this.unsettled.size} deliveries are already waiting (the limit is ${this.deps.limits.maxPending}); a receiver is slow or down`;
  }

  /**
   * After a restart on a durable store: every delivery not yet settled goes out again (at least
   * once), unless `refusal` names a reason not to send to its URL any more (the allowlist may be
   * stricter now): then it is failed with that reason.
   */
  resumePending(refusal: (url: string) => string | undefined = () => undefined): number {
    const unsettled = [
      ...this.deps.store.list({ status: 'pending' }),
      ...this.deps.store.list({ status: 'retrying' }),
    ];
    unsettled.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const delivery of unsettled) {
      const refused = refusal(delivery.url);
      if (refused !== undefined) {
        delivery.status = 'failed';
        delivery.refused = refused;
        delete delivery.nextAttemptAt;
        this.deps.store.save(delivery);
        this.deps.events.emit('delivery:settled', delivery);
        continue;
      }
      this.track(delivery);
      const due =
        delivery.nextAttemptAt === undefined ? 0 : Date.parse(delivery.nextAttemptAt) - this.deps.clock.now();
      if (due > 0) {
        this.timers.set(
          delivery.deliveryId,
          this.deps.clock.setTimer(() => this.schedule(delivery.deliveryId), due),
        );
      } else {
        this.startSoon(delivery.deliveryId);
      }
    }
    return unsettled.length;
  }

  pendingCount(): number {
    return this.unsettled.size;
  }

  /** Resolves when no attempt is queued or on the wire; retries waiting on the clock do not count. */
  async drain(): Promise<void> {
    do {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.allSettled([...this.inFlight]);
    } while (this.inFlight.size > 0 || this.startingSoon > 0 || this.waitingOnOrigins() > 0);
  }

  /** Forgets scheduled retries and held deliveries (reset) without closing connections. */
  cancelScheduled(): void {
    for (const handle of this.timers.values()) this.deps.clock.clearTimer(handle);
    this.timers.clear();
    for (const { timer } of this.held.values()) this.deps.clock.clearTimer(timer);
    this.held.clear();
    for (const queue of this.origins.values()) queue.waiting = [];
    this.unsettled.clear();
    this.working.clear();
  }

  /** Lets attempts on the wire finish for up to `drainMs`, then aborts them; nothing new starts. */
  close(drainMs = 5_000): Promise<void> {
    this.closing ??= this.shutDown(drainMs);
    return this.closing;
  }

  private async shutDown(drainMs: number): Promise<void> {
    this.closed = true;
    for (const handle of this.timers.values()) this.deps.clock.clearTimer(handle);
    this.timers.clear();
    const drained = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, drainMs);
      timer.unref();
    });
    await Promise.race([drained, deadline]);
    clearTimeout(timer);
    // Aborts what is still on the wire; those attempts are journaled as stopped.
    this.wireCut = true;
    if (this.http) await (await this.http).agent.destroy();
    await drained;
  }

  private waitingOnOrigins(): number {
    let waiting = 0;
    for (const queue of this.origins.values()) waiting += queue.waiting.length;
    return waiting;
  }

  /** Delay and reorder faults act before the first attempt. */
  private dispatchNew(delivery: Delivery): void {
    const fault = this.deps.faults.takeDeliveryFault(delivery, ['delay', 'reorder']);
    const previouslyHeld = this.held.get(delivery.webhookId);
    if (fault?.action === 'delay') {
      this.timers.set(
        delivery.deliveryId,
        this.deps.clock.setTimer(() => this.schedule(delivery.deliveryId), fault.delayMs ?? 0),
      );
    } else if (fault?.action === 'reorder' && !previouslyHeld) {
      const timer = this.deps.clock.setTimer(
        () => this.release(delivery.webhookId),
        fault.delayMs ?? defaultReorderHoldMs,
      );
      this.held.set(delivery.webhookId, { deliveryId: delivery.deliveryId, timer });
      return;
    } else {
      this.startSoon(delivery.deliveryId);
    }
    // The held one goes once the delivery that overtook it has been attempted.
    if (previouslyHeld) this.releaseAfter.set(delivery.deliveryId, delivery.webhookId);
  }

  private release(webhookId: string): void {
    const held = this.held.get(webhookId);
    if (!held) return;
    this.held.delete(webhookId);
    this.deps.clock.clearTimer(held.timer);
    this.startSoon(held.deliveryId);
  }

  private startSoon(deliveryId: string): void {
    this.startingSoon += 1;
    setImmediate(() => {
      this.startingSoon -= 1;
      void this.schedule(deliveryId);
    });
  }

  /** Starts an attempt when its origin has a free slot; the promise settles when the attempt is done. */
  private schedule(deliveryId: string): Promise<void> {
    this.timers.delete(deliveryId);
    if (this.closed) return Promise.resolve();
    const delivery = this.read(deliveryId);
    if (!delivery || isSettled(delivery)) return Promise.resolve();
    const origin = new URL(delivery.url).origin;
    const queue = this.origins.get(origin) ?? { running: 0, waiting: [] };
    this.origins.set(origin, queue);
    if (queue.running >= this.deps.limits.perOriginConcurrency) {
      queue.waiting.push(deliveryId);
      return Promise.resolve();
    }
    queue.running += 1;
    this.attempting.add(deliveryId);
    const task = this.attempt(deliveryId)
      .catch((error: unknown) => {
        this.deps.log.error({ err: error, deliveryId }, 'delivery attempt crashed');
      })
      .finally(() => {
        queue.running -= 1;
        this.attempting.delete(deliveryId);
        const held = this.releaseAfter.get(deliveryId);
        if (held !== undefined) {
          this.releaseAfter.delete(deliveryId);
          this.release(held);
        }
        const later = this.redeliverLater.get(deliveryId);
        if (later !== undefined) {
          this.redeliverLater.delete(deliveryId);
          this.restart(deliveryId, later.url);
        }
        const next = queue.waiting.shift();
        if (next !== undefined) void this.schedule(next);
      });
    this.inFlight.add(task);
    return task.finally(() => this.inFlight.delete(task));
  }

  private async attempt(deliveryId: string): Promise<void> {
    const delivery = this.read(deliveryId);
    if (!delivery || isSettled(delivery)) return;
    const fault = this.deps.faults.takeDeliveryFault(delivery, ['drop', 'duplicate', 'truncate', 'stall']);
    if (fault?.action === 'drop') {
      delivery.status = 'failed';
      delivery.refused = 'dropped by an injected fault (POST /_emulator/faults); not sent, not retried';
      delete delivery.nextAttemptAt;
      this.settle(delivery);
      this.deps.events.emit('delivery:settled', delivery);
      return;
    }
    const violations = this.payloadViolations(delivery.payload);
    if (violations.length > 0) {
      this.deps.log.error({ deliveryId, violations }, 'refused to send an invalid payload');
      delivery.status = 'failed';
      delivery.refused = `not sent: the payload breaks the emulator's own schema (${violations
        .map((violation) => `${violation.pointer} ${violation.message}`)
        .join('; ')}); this is an emulator bug, please report it`;
      this.settle(delivery);
      this.deps.events.emit('delivery:settled', delivery);
      return;
    }
    const outcome = await this.sendOnce(delivery, fault);
    const sent = [outcome.attempt];
    if (fault?.action === 'duplicate')
      sent.push((await this.sendOnce(delivery, undefined, { duplicate: true })).attempt);
    this.conclude(delivery, outcome);
    // Listeners see each attempt with its final outcome, then the delivery settling.
    for (const attempt of sent) this.deps.events.emit('delivery:attempt', delivery, attempt);
    if (isSettled(delivery)) this.deps.events.emit('delivery:settled', delivery);
  }

  /** One POST, recorded in the journal; what to do next is decided by the first of a duplicated pair. */
  private async sendOnce(
    delivery: Delivery,
    fault: DeliveryFault | undefined,
    options: { duplicate?: boolean } = {},
  ): Promise<{ attempt: DeliveryAttempt; retryAfterMs: number | undefined }> {
    const attemptNumber = delivery.attempts.length + 1;
    const full = this.serialise(delivery.payload);
    const body = fault?.action === 'truncate' ? full.slice(0, Math.floor(full.length / 2)) : full;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `bookings-emulator/${packageVersion}`,
      [deliveryIdHeader]: delivery.deliveryId,
      [attemptHeader]: String(attemptNumber),
    };
    const startedAt = this.deps.clock.now();
    const started = performance.now();
    const result: AttemptResult =
      fault?.action === 'stall'
        ? { error: `timed out after ${this.deps.timeoutMs} ms (injected stall: the receiver never answered)` }
        : await this.send(new URL(delivery.url).href, headers, body);
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    const status = result.responseStatus;
    const delivered = status !== undefined && status >= 200 && status < 300;
    const attempt: DeliveryAttempt = {
      attempt: attemptNumber,
      startedAt: new Date(startedAt).toISOString(),
      requestHeaders: headers,
      requestBody: body,
      latencyMs,
      // Provisional; conclude() decides between retry and failed for the attempt that counts.
      outcome: delivered ? 'delivered' : 'failed',
      ...(status === undefined ? {} : { responseStatus: status }),
      ...(result.responseBodyExcerpt === undefined
        ? {}
        : { responseBodyExcerpt: result.responseBodyExcerpt }),
      ...(result.error === undefined ? {} : { error: result.error }),
      ...(options.duplicate ? { duplicate: true } : {}),
      ...(fault?.action === 'truncate' ? { truncated: true } : {}),
    };
    delivery.attempts.push(attempt);
    this.deps.store.save(delivery);
    return { attempt, retryAfterMs: result.retryAfterMs };
  }

  private conclude(
    delivery: Delivery,
    outcome: { attempt: DeliveryAttempt; retryAfterMs: number | undefined },
  ): void {
    const { attempt } = outcome;
    const status = attempt.responseStatus;
    delete delivery.nextAttemptAt;
    if (attempt.outcome === 'delivered') {
      delivery.status = 'delivered';
      this.settle(delivery);
      return;
    }
    const retryable = status === undefined || isRetryableStatus(status);
    const delays = this.deps.retryPolicy().delaysMs;
    const round = delivery.attempts.slice(this.roundStart.get(delivery.deliveryId) ?? 0);
    const retriesSoFar = round.filter((candidate) => !candidate.duplicate).length - 1;
    if (retryable && retriesSoFar < delays.length && !this.closed) {
      const delay = Math.max(delays[retriesSoFar] ?? 0, Math.min(outcome.retryAfterMs ?? 0, maxRetryAfterMs));
      attempt.outcome = 'retry';
      delivery.status = 'retrying';
      delivery.nextAttemptAt = new Date(this.deps.clock.now() + delay).toISOString();
      this.timers.set(
        delivery.deliveryId,
        this.deps.clock.setTimer(() => this.schedule(delivery.deliveryId), delay),
      );
      this.deps.store.save(delivery);
      return;
    }
    delivery.status = 'failed';
    this.settle(delivery);
  }

  /**
   * One check per payload, not per attempt: a change's payload is shared by every flow it goes to
   * and never changes afterwards, so retries and redeliveries reuse the verdict.
   */
  private payloadViolations(payload: AppointmentData): SchemaViolation[] {
    let violations = this.checked.get(payload);
    if (!violations) {
      violations = this.deps.schemas.check(schemaId('appointment-data.emulator'), payload);
      this.checked.set(payload, violations);
    }
    return violations;
  }

  /** Serialised once per payload, for the same reason as the schema check. */
  private serialise(payload: AppointmentData): string {
    let body = this.serialised.get(payload);
    if (body === undefined) {
      body = JSON.stringify(payload);
      this.serialised.set(payload, body);
    }
    return body;
  }

  private track(delivery: Delivery): void {
    this.unsettled.add(delivery.deliveryId);
    this.working.set(delivery.deliveryId, delivery);
  }

  private read(deliveryId: string): Delivery | undefined {
    return this.working.get(deliveryId) ?? this.deps.store.get(deliveryId);
  }

  /** Marks a delivery final; the caller emits `delivery:settled` once its attempts are announced. */
  private settle(delivery: Delivery): void {
    this.unsettled.delete(delivery.deliveryId);
    this.working.delete(delivery.deliveryId);
    this.roundStart.delete(delivery.deliveryId);
    this.deps.store.save(delivery);
  }

  private loadHttp(): Promise<HttpClient> {
    this.http ??= import('undici').then(({ Agent, request }) => ({
      // Timeouts live on the agent, not in a per-request AbortSignal: two signals and a timer for
      // every attempt cost more than the POST itself (bench: deliveries per second).
      agent: new Agent({
        keepAliveTimeout: 4_000,
        connections: 64,
        connect: { timeout: this.deps.timeoutMs },
        headersTimeout: this.deps.timeoutMs,
        bodyTimeout: this.deps.timeoutMs,
      }),
      request,
    }));
    return this.http;
  }

  private async send(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    try {
      const { agent, request } = await this.loadHttp();
      const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
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
      const reason = this.wireCut
        ? 'aborted: the emulator was stopping'
        : timeoutCodes.has(err.code ?? '')
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
