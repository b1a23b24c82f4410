import type { Clock } from '../core/clock.js';
import { packageVersion } from '../core/paths.js';
import type { SchemaRegistry, SchemaViolation } from '../core/schemas/registry.js';
import { schemaId } from '../core/schemas/registry.js';
import type { EmulatorEvents } from '../domain/events.js';
import type { DeliveryStore } from '../domain/store.js';
import type { AppointmentData, Delivery, DeliveryAttempt, DeliveryFault } from '../generated/schema-types.js';
import type { FaultHolds } from './fault-holds.js';
import type { OriginQueues } from './origin-queues.js';
import { isRetryableStatus, type RetryPolicy } from './retry-policy.js';
import type { HttpTransport } from './transport.js';

export const deliveryIdHeader = 'x-emulator-delivery-id';
export const attemptHeader = 'x-emulator-attempt';

const userAgent = `bookings-emulator/${packageVersion}`;

/** Retry-After is honoured up to this much; a longer one would stall a test for no good reason. */
const maxRetryAfterMs = 60 * 60 * 1000;

interface LifecycleDeps {
  store: DeliveryStore;
  clock: Clock;
  events: EmulatorEvents;
  schemas: SchemaRegistry;
  retryPolicy: () => RetryPolicy;
  log: { error(object: object, message: string): void };
  transport: Pick<HttpTransport, 'send' | 'stalled'>;
  queues: Pick<OriginQueues, 'startAfter' | 'isClosed'>;
  holds: Pick<FaultHolds, 'forAttempt'>;
}

interface SendOutcome {
  attempt: DeliveryAttempt;
  retryAfterMs: number | undefined;
}

const isSettled = (delivery: Delivery) => delivery.status === 'delivered' || delivery.status === 'failed';

/**
 * What happens to one delivery: pending, then attempts (each journaled with its request and
 * response), a retry waiting on the clock after each retryable failure, until it is delivered or
 * failed; `delivery:queued`, `delivery:attempt` and `delivery:settled` announce the steps. It
 * decides, the origin queues say when, the transport sends.
 */
export class DeliveryLifecycle {
  /**
   * The one object per unsettled delivery that every step mutates and saves: a durable store
   * returns a fresh copy on each read, and two copies saved in turn would undo each other.
   */
  private readonly working = new Map<string, Delivery>();
  /** Where the current round of attempts began: a redelivery gets a fresh retry budget. */
  private readonly roundStart = new Map<string, number>();
  private readonly checked = new WeakMap<AppointmentData, readonly SchemaViolation[]>();
  private readonly serialised = new WeakMap<AppointmentData, string>();
  /** The serialised payload as bytes, encoded once and sent as it is to every flow. */
  private readonly encoded = new WeakMap<AppointmentData, Buffer>();

  constructor(private readonly deps: LifecycleDeps) {}

  /** Deliveries not yet settled. */
  pendingCount(): number {
    return this.working.size;
  }

  isPending(deliveryId: string): boolean {
    return this.working.has(deliveryId);
  }

  read(deliveryId: string): Delivery | undefined {
    return this.working.get(deliveryId) ?? this.deps.store.get(deliveryId);
  }

  /** The URL of a delivery still to be attempted. */
  target(deliveryId: string): string | undefined {
    const delivery = this.read(deliveryId);
    return !delivery || isSettled(delivery) ? undefined : delivery.url;
  }

  /**
   * Journals a new delivery and announces it queued. With a `refused` reason it is failed at once,
   * never sent, and settled; otherwise it is pending, and the caller starts it (true).
   */
  open(delivery: Delivery, refused: string | undefined): boolean {
    if (refused !== undefined) {
      delivery.status = 'failed';
      delivery.refused = refused;
    }
    this.deps.store.insert(delivery);
    this.deps.events.emit('delivery:queued', delivery);
    if (refused !== undefined) {
      this.deps.events.emit('delivery:settled', delivery);
      return false;
    }
    this.track(delivery);
    return true;
  }

  /** Makes a journaled delivery pending again, with a fresh retry budget and maybe another URL. */
  reopen(delivery: Delivery, url: string | undefined): void {
    delivery.status = 'pending';
    this.roundStart.set(delivery.deliveryId, delivery.attempts.length);
    if (url) delivery.url = url;
    delete delivery.nextAttemptAt;
    delete delivery.refused;
    this.deps.store.save(delivery);
    this.track(delivery);
  }

  /** The journal's unsettled deliveries, oldest first (after a restart on a durable store). */
  unsettledInJournal(): Delivery[] {
    const unsettled = [
      ...this.deps.store.list({ status: 'pending' }),
      ...this.deps.store.list({ status: 'retrying' }),
    ];
    unsettled.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return unsettled;
  }

  /** Keeps a delivery as the working object until it settles. */
  track(delivery: Delivery): void {
    this.working.set(delivery.deliveryId, delivery);
  }

  /** Fails a delivery without sending it (again), with the reason. */
  refuse(delivery: Delivery, reason: string): void {
    delete delivery.nextAttemptAt;
    this.failUnsent(delivery, reason);
  }

  /** Forgets every unsettled delivery (reset); the journal keeps them as they are. */
  forget(): void {
    this.working.clear();
  }

  /** One attempt: a drop fault or an invalid payload fails it unsent; otherwise one POST, or two. */
  async attempt(deliveryId: string): Promise<void> {
    const delivery = this.read(deliveryId);
    if (!delivery || isSettled(delivery)) return;
    const fault = this.deps.holds.forAttempt(delivery);
    if (fault?.action === 'drop') {
      this.refuse(delivery, 'dropped by an injected fault (POST /_emulator/faults); not sent, not retried');
      return;
    }
    const violations = this.payloadViolations(delivery.payload);
    if (violations.length > 0) {
      this.deps.log.error({ deliveryId, violations }, 'refused to send an invalid payload');
      this.failUnsent(
        delivery,
        `not sent: the payload breaks the emulator's own schema (${violations
          .map((violation) => `${violation.pointer} ${violation.message}`)
          .join('; ')}); this is an emulator bug, please report it`,
      );
      return;
    }
    const outcome = await this.sendOnce(delivery, fault);
    const sent = [outcome.attempt];
    if (fault?.action === 'duplicate') {
      // The first attempt is journaled before the second goes out; conclude() saves the rest.
      this.deps.store.save(delivery);
      sent.push((await this.sendOnce(delivery, undefined, { duplicate: true })).attempt);
    }
    this.conclude(delivery, outcome);
    // Listeners see each attempt with its final outcome, then the delivery settling.
    for (const attempt of sent) this.deps.events.emit('delivery:attempt', delivery, attempt);
    if (isSettled(delivery)) this.deps.events.emit('delivery:settled', delivery);
  }

  private failUnsent(delivery: Delivery, reason: string): void {
    delivery.status = 'failed';
    delivery.refused = reason;
    this.settle(delivery);
    this.deps.events.emit('delivery:settled', delivery);
  }

  /**
   * One POST, added to the delivery's attempts; what to do next is decided by the first of a
   * duplicated pair. The caller saves the delivery (conclude() does, in the same turn).
   */
  private async sendOnce(
    delivery: Delivery,
    fault: DeliveryFault | undefined,
    options: { duplicate?: boolean } = {},
  ): Promise<SendOutcome> {
    const attemptNumber = delivery.attempts.length + 1;
    const full = this.serialise(delivery.payload);
    const truncated = fault?.action === 'truncate';
    const body = truncated ? full.slice(0, Math.floor(full.length / 2)) : full;
    // One object per attempt, sent and journaled as it is.
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': userAgent,
      [deliveryIdHeader]: delivery.deliveryId,
      [attemptHeader]: String(attemptNumber),
    };
    const startedAt = this.deps.clock.now();
    const started = performance.now();
    const result =
      fault?.action === 'stall'
        ? this.deps.transport.stalled()
        : await this.deps.transport.send(
            delivery.url,
            headers,
            truncated ? body : this.encode(delivery.payload, full),
          );
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
    };
    if (status !== undefined) attempt.responseStatus = status;
    if (result.responseBodyExcerpt !== undefined) attempt.responseBodyExcerpt = result.responseBodyExcerpt;
    if (result.error !== undefined) attempt.error = result.error;
    if (options.duplicate) attempt.duplicate = true;
    if (truncated) attempt.truncated = true;
    delivery.attempts.push(attempt);
    return { attempt, retryAfterMs: result.retryAfterMs };
  }

  /** Delivered, a retry on the clock (while the round has retries left), or failed. */
  private conclude(delivery: Delivery, outcome: SendOutcome): void {
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
    if (retryable && retriesSoFar < delays.length && !this.deps.queues.isClosed()) {
      const delay = Math.max(delays[retriesSoFar] ?? 0, Math.min(outcome.retryAfterMs ?? 0, maxRetryAfterMs));
      attempt.outcome = 'retry';
      delivery.status = 'retrying';
      delivery.nextAttemptAt = new Date(this.deps.clock.now() + delay).toISOString();
      this.deps.queues.startAfter(delivery.deliveryId, delay);
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
  private payloadViolations(payload: AppointmentData): readonly SchemaViolation[] {
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

  /** The body's bytes, once per payload; undici would otherwise encode the string on every POST. */
  private encode(payload: AppointmentData, body: string): Buffer {
    let bytes = this.encoded.get(payload);
    if (bytes === undefined) {
      bytes = Buffer.from(body);
      this.encoded.set(payload, bytes);
    }
    return bytes;
  }

  /** Marks a delivery final; the caller emits `delivery:settled` once its attempts are announced. */
  private settle(delivery: Delivery): void {
    this.working.delete(delivery.deliveryId);
    this.roundStart.delete(delivery.deliveryId);
    this.deps.store.save(delivery);
  }
}
