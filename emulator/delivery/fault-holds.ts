import type { Clock, TimerHandle } from '../core/clock.js';
import type { FaultRegistry } from '../domain/faults.js';
import type { Delivery, DeliveryFault } from '../generated/schema-types.js';
import type { OriginQueues } from './origin-queues.js';

/** How long a reordered delivery waits for the flow's next one, unless the fault says otherwise. */
const defaultReorderHoldMs = 60_000;

/**
 * Delivery faults from the fault registry (POST /_emulator/faults). Delay and reorder act before a
 * change's first attempt: a delayed delivery waits on the clock, a reordered one is held back, one
 * per flow, until the flow's next delivery has been attempted or the hold runs out. Drop,
 * duplicate, truncate and stall are taken here per attempt; the lifecycle applies them.
 */
export class FaultHolds {
  /** A delivery held back by a reorder fault, per subscription, released after the next one. */
  private readonly held = new Map<string, { deliveryId: string; timer: TimerHandle }>();
  /** Overtaking delivery -> the subscription whose held delivery goes once it has been attempted. */
  private readonly releaseAfter = new Map<string, string>();

  constructor(
    private readonly faults: FaultRegistry,
    private readonly clock: Clock,
    private readonly queues: Pick<OriginQueues, 'startSoon' | 'startAfter'>,
  ) {}

  /** Starts a change's delivery, unless a delay or reorder fault holds it back first. */
  start(delivery: Delivery): void {
    const fault = this.faults.takeDeliveryFault(delivery, ['delay', 'reorder']);
    const previouslyHeld = this.held.get(delivery.webhookId);
    if (fault?.action === 'delay') {
      this.queues.startAfter(delivery.deliveryId, fault.delayMs ?? 0);
    } else if (fault?.action === 'reorder' && !previouslyHeld) {
      const timer = this.clock.setTimer(
        () => this.release(delivery.webhookId),
        fault.delayMs ?? defaultReorderHoldMs,
      );
      this.held.set(delivery.webhookId, { deliveryId: delivery.deliveryId, timer });
      return;
    } else {
      this.queues.startSoon(delivery.deliveryId);
    }
    // The held one goes once the delivery that overtook it has been attempted.
    if (previouslyHeld) this.releaseAfter.set(delivery.deliveryId, delivery.webhookId);
  }

  /** The fault, if any, that the attempt about to go out suffers. */
  forAttempt(delivery: Delivery): DeliveryFault | undefined {
    return this.faults.takeDeliveryFault(delivery, ['drop', 'duplicate', 'truncate', 'stall']);
  }

  /** Releases the delivery that this one overtook, if any. */
  afterAttempt(deliveryId: string): void {
    const held = this.releaseAfter.get(deliveryId);
    if (held === undefined) return;
    this.releaseAfter.delete(deliveryId);
    this.release(held);
  }

  /** Forgets held deliveries (reset). */
  cancel(): void {
    for (const { timer } of this.held.values()) this.clock.clearTimer(timer);
    this.held.clear();
  }

  private release(webhookId: string): void {
    const held = this.held.get(webhookId);
    if (!held) return;
    this.held.delete(webhookId);
    this.clock.clearTimer(held.timer);
    this.queues.startSoon(held.deliveryId);
  }
}
