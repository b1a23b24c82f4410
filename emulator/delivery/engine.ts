import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { SchemaRegistry } from '../core/schemas/registry.js';
import type { EmulatorEvents } from '../domain/events.js';
import type { FaultRegistry } from '../domain/faults.js';
import type { DeliveryStore } from '../domain/store.js';
import type { AppointmentData, ChangeType, Delivery, Subscription } from '../generated/schema-types.js';
import { FaultHolds } from './fault-holds.js';
import { DeliveryLifecycle } from './lifecycle.js';
import { type DeliveryLimits, OriginQueues } from './origin-queues.js';
import type { RetryPolicy } from './retry-policy.js';
import { HttpTransport } from './transport.js';

export { attemptHeader, deliveryIdHeader } from './lifecycle.js';

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

/**
 * POSTs AppointmentData to flow URLs, asynchronously, with retries on the clock, and keeps every
 * attempt in the journal. Never awaited inside the request that caused the change. A slow or dead
 * receiver only holds up its own origin's queue; past `maxPending` new deliveries are refused
 * (journaled as failed with the reason), never dropped silently.
 *
 * A façade over four parts (docs/decisions/017): the lifecycle (states, journal, events), the
 * origin queues (when an attempt starts), the fault holds, and the HTTP transport.
 */
export class DeliveryEngine {
  private readonly transport: HttpTransport;
  private readonly queues: OriginQueues;
  private readonly holds: FaultHolds;
  private readonly lifecycle: DeliveryLifecycle;
  /** Redeliveries asked for while an attempt was on the wire; each follows its attempt. */
  private readonly redeliverLater = new Map<string, { url?: string }>();
  private closing: Promise<void> | undefined;

  constructor(private readonly deps: DeliveryEngineDeps) {
    this.transport = new HttpTransport(deps.timeoutMs, deps.clock);
    this.queues = new OriginQueues(deps.clock, deps.limits, {
      target: (deliveryId) => this.lifecycle.target(deliveryId),
      attempt: (deliveryId) => this.lifecycle.attempt(deliveryId),
      afterAttempt: (deliveryId) => this.afterAttempt(deliveryId),
      log: deps.log,
    });
    this.holds = new FaultHolds(deps.faults, deps.clock, this.queues);
    this.lifecycle = new DeliveryLifecycle({
      ...deps,
      transport: this.transport,
      queues: this.queues,
      holds: this.holds,
    });
  }

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
    // Delay and reorder faults act before a change's first attempt.
    return this.admit(delivery, input.refused, () => this.holds.start(delivery));
  }

  /** Sends a delivery again, keeping its id (attempts go on) or as a new delivery; `url` is already checked. */
  redeliver(deliveryId: string, options: { url?: string; renewId?: boolean } = {}): Delivery {
    const original = this.lifecycle.read(deliveryId);
    if (!original) throw errors.deliveryNotFound(deliveryId);
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
      // A redelivery goes out at once: delay and reorder faults are for the deliveries of changes.
      return this.admit(copy, undefined, () => this.queues.startSoon(copy.deliveryId));
    }
    const full = this.queues.fullReason(this.lifecycle.pendingCount());
    if (full !== undefined && !this.lifecycle.isPending(deliveryId)) {
      throw errors.invalidControlRequest(`Cannot redeliver now: ${full}. Try again when receivers catch up.`);
    }
    if (this.queues.isOnWire(deliveryId)) {
      // The attempt on the wire finishes first; the redelivery follows it with the next number.
      this.redeliverLater.set(deliveryId, options.url === undefined ? {} : { url: options.url });
      return original;
    }
    this.restart(deliveryId, options.url);
    return original;
  }

  /**
   * After a restart on a durable store: every delivery not yet settled goes out again (at least
   * once), unless `refusal` names a reason not to send to its URL any more (the allowlist may be
   * stricter now): then it is failed with that reason.
   */
  resumePending(refusal: (url: string) => string | undefined = () => undefined): number {
    const unsettled = this.lifecycle.unsettledInJournal();
    for (const delivery of unsettled) {
      const refused = refusal(delivery.url);
      if (refused !== undefined) {
        this.lifecycle.refuse(delivery, refused);
        continue;
      }
      this.lifecycle.track(delivery);
      const due =
        delivery.nextAttemptAt === undefined ? 0 : Date.parse(delivery.nextAttemptAt) - this.deps.clock.now();
      if (due > 0) this.queues.startAfter(delivery.deliveryId, due);
      else this.queues.startSoon(delivery.deliveryId);
    }
    return unsettled.length;
  }

  pendingCount(): number {
    return this.lifecycle.pendingCount();
  }

  /** Resolves when no attempt is queued or on the wire; retries waiting on the clock do not count. */
  drain(): Promise<void> {
    return this.queues.drain();
  }

  /** Forgets scheduled retries and held deliveries (reset) without closing connections. */
  cancelScheduled(): void {
    this.queues.cancel();
    this.holds.cancel();
    this.lifecycle.forget();
  }

  /** Lets attempts on the wire finish for up to `drainMs`, then aborts them; nothing new starts. */
  close(drainMs = 5_000): Promise<void> {
    this.closing ??= this.shutDown(drainMs);
    return this.closing;
  }

  /**
   * The one way in for a new delivery, from a change (enqueue) or copied from a journaled one
   * (redeliver with renewId): journaled and announced as queued, then started; or, with a reason
   * given or the queue full, failed unsent and settled at once.
   */
  private admit(delivery: Delivery, refused: string | undefined, start: () => void): Delivery {
    const reason = refused ?? this.queues.fullReason(this.lifecycle.pendingCount());
    if (this.lifecycle.open(delivery, reason)) start();
    return delivery;
  }

  /** Another round of attempts for a journaled delivery, keeping its id. */
  private restart(deliveryId: string, url: string | undefined): void {
    const delivery = this.lifecycle.read(deliveryId);
    if (!delivery) return;
    this.queues.cancelStartAfter(deliveryId);
    this.lifecycle.reopen(delivery, url);
    this.queues.startSoon(deliveryId);
  }

  private afterAttempt(deliveryId: string): void {
    this.holds.afterAttempt(deliveryId);
    const later = this.redeliverLater.get(deliveryId);
    if (later === undefined) return;
    this.redeliverLater.delete(deliveryId);
    this.restart(deliveryId, later.url);
  }

  private async shutDown(drainMs: number): Promise<void> {
    const drained = this.queues.close();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, drainMs);
      timer.unref();
    });
    await Promise.race([drained, deadline]);
    clearTimeout(timer);
    // Aborts what is still on the wire; those attempts are journaled as stopped.
    await this.transport.cut();
    await drained;
  }
}
