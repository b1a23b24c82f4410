import type { Clock, TimerHandle } from '../core/clock.js';

export interface DeliveryLimits {
  /** Attempts on the wire at once to one origin (scheme, host, port); the rest wait their turn. */
  perOriginConcurrency: number;
  /** Deliveries not yet settled, in all; past it a new delivery is refused and journaled as failed. */
  maxPending: number;
}

interface OriginQueue {
  running: number;
  waiting: string[];
}

interface AttemptHooks {
  /** Where the delivery goes; undefined when it is no longer to be attempted (settled, or gone). */
  target(deliveryId: string): string | undefined;
  /** One attempt, journaled; the promise settles when it is done. */
  attempt(deliveryId: string): Promise<void>;
  /** Runs once an attempt is done and its slot is free, before the origin's next attempt starts. */
  afterAttempt(deliveryId: string): void;
  log: { error(object: object, message: string): void };
}

/**
 * When attempts start: on the next turn of the event loop, or after a delay on the clock, and only
 * when their receiver origin has a free slot. A slow or dead receiver holds up only its own
 * origin's queue. Also the back-pressure rule: past `maxPending` unsettled deliveries, no new one.
 */
export class OriginQueues {
  private readonly origins = new Map<string, OriginQueue>();
  /** Attempts waiting on the clock: retries, delayed and resumed deliveries. */
  private readonly timers = new Map<string, TimerHandle>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Deliveries with an attempt on the wire. */
  private readonly onWire = new Set<string>();
  /** The origin of each flow URL, worked out once: every attempt asks. */
  private readonly originOf = new Map<string, string>();
  /** Attempts queued for the next turn of the event loop. */
  private startingSoon = 0;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly limits: DeliveryLimits,
    private readonly hooks: AttemptHooks,
  ) {}

  /** Why a new delivery is refused when `pending` deliveries are unsettled; undefined while there is room. */
  fullReason(pending: number): string | undefined {
    if (pending < this.limits.maxPending) return undefined;
    return `not sent: ${pending} deliveries are already waiting (the limit is ${this.limits.maxPending}); a receiver is slow or down`;
  }

  isOnWire(deliveryId: string): boolean {
    return this.onWire.has(deliveryId);
  }

  isClosed(): boolean {
    return this.closed;
  }

  startSoon(deliveryId: string): void {
    this.startingSoon += 1;
    setImmediate(() => {
      this.startingSoon -= 1;
      void this.schedule(deliveryId);
    });
  }

  /** The clock waits for the attempt a timer starts, so a retry follows from the right instant. */
  startAfter(deliveryId: string, delayMs: number): void {
    this.timers.set(
      deliveryId,
      this.clock.setTimer(() => this.schedule(deliveryId), delayMs),
    );
  }

  cancelStartAfter(deliveryId: string): void {
    const timer = this.timers.get(deliveryId);
    if (timer) this.clock.clearTimer(timer);
    this.timers.delete(deliveryId);
  }

  /** Resolves when no attempt is queued or on the wire; attempts waiting on the clock do not count. */
  async drain(): Promise<void> {
    do {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.allSettled([...this.inFlight]);
    } while (this.inFlight.size > 0 || this.startingSoon > 0 || this.waitingOnOrigins() > 0);
  }

  /** Forgets attempts waiting on the clock or for a slot (reset); those on the wire go on. */
  cancel(): void {
    this.clearTimers();
    for (const queue of this.origins.values()) queue.waiting = [];
  }

  /** Nothing new starts; resolves when the attempts on the wire now are done. */
  close(): Promise<unknown> {
    this.closed = true;
    this.clearTimers();
    return Promise.allSettled([...this.inFlight]);
  }

  private clearTimers(): void {
    for (const handle of this.timers.values()) this.clock.clearTimer(handle);
    this.timers.clear();
  }

  private waitingOnOrigins(): number {
    let waiting = 0;
    for (const queue of this.origins.values()) waiting += queue.waiting.length;
    return waiting;
  }

  private origin(url: string): string {
    let origin = this.originOf.get(url);
    if (origin === undefined) {
      // Flow URLs are few; a run that makes up many (redeliveries elsewhere) only starts over.
      if (this.originOf.size >= 1024) this.originOf.clear();
      origin = new URL(url).origin;
      this.originOf.set(url, origin);
    }
    return origin;
  }

  /** Starts an attempt when its origin has a free slot; the promise settles when the attempt is done. */
  private schedule(deliveryId: string): Promise<void> {
    this.timers.delete(deliveryId);
    if (this.closed) return Promise.resolve();
    const url = this.hooks.target(deliveryId);
    if (url === undefined) return Promise.resolve();
    const origin = this.origin(url);
    const queue = this.origins.get(origin) ?? { running: 0, waiting: [] };
    this.origins.set(origin, queue);
    if (queue.running >= this.limits.perOriginConcurrency) {
      queue.waiting.push(deliveryId);
      return Promise.resolve();
    }
    queue.running += 1;
    this.onWire.add(deliveryId);
    // One then() rather than catch().finally().finally(): every attempt pays for each promise.
    const task: Promise<void> = this.hooks.attempt(deliveryId).then(
      () => this.attemptDone(queue, deliveryId, task),
      (error: unknown) => {
        this.hooks.log.error({ err: error, deliveryId }, 'delivery attempt crashed');
        this.attemptDone(queue, deliveryId, task);
      },
    );
    this.inFlight.add(task);
    return task;
  }

  /** Frees the attempt's slot and starts the origin's next waiting attempt, if any. */
  private attemptDone(queue: OriginQueue, deliveryId: string, task: Promise<void>): void {
    queue.running -= 1;
    this.onWire.delete(deliveryId);
    this.hooks.afterAttempt(deliveryId);
    const next = queue.waiting.shift();
    if (next !== undefined) void this.schedule(next);
    this.inFlight.delete(task);
  }
}
