import { seededRandom } from '../core/random.js';
import type {
  ActiveFault,
  Delivery,
  DeliveryFault,
  Fault,
  InboxFault,
  TriggerApiFault,
} from '../generated/schema-types.js';

/**
 * Injected failures (the control API `faults`), consumed one call at a time. Without a
 * probability a fault hits the next `count` (default 1) matching calls; with one, each matching
 * call is hit with that probability until `count` (default unlimited) hits are used.
 */
export class FaultRegistry {
  private active: ActiveFault[] = [];
  private random: () => number;

  constructor(seed: number = Math.floor(Math.random() * 2 ** 31)) {
    this.random = seededRandom(seed);
  }

  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  add(fault: Fault): ActiveFault {
    const entry: ActiveFault = {
      fault,
      remaining: fault.count ?? (fault.probability === undefined ? 1 : Number.MAX_SAFE_INTEGER),
    };
    this.active.push(entry);
    return entry;
  }

  list(): ActiveFault[] {
    return this.active.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.active = [];
  }

  takeTriggerApiFault(): TriggerApiFault | undefined {
    return this.take((fault): fault is TriggerApiFault => fault.target === 'trigger-api');
  }

  takeInboxFault(inbox: string): InboxFault | undefined {
    return this.take((fault): fault is InboxFault => fault.target === 'inbox' && fault.inbox === inbox);
  }

  /** A delivery fault of one of `actions` that applies to this delivery, if one fires. */
  takeDeliveryFault(
    delivery: Delivery,
    actions: readonly DeliveryFault['action'][],
  ): DeliveryFault | undefined {
    return this.take(
      (fault): fault is DeliveryFault =>
        fault.target === 'delivery' &&
        actions.includes(fault.action) &&
        (fault.webhookId === undefined || fault.webhookId === delivery.webhookId) &&
        (fault.mailbox === undefined || fault.mailbox.toLowerCase() === delivery.mailbox.toLowerCase()),
    );
  }

  private take<T extends Fault>(matches: (fault: Fault) => fault is T): T | undefined {
    for (const entry of this.active) {
      if (!matches(entry.fault)) continue;
      const { probability } = entry.fault;
      if (probability !== undefined && this.random() >= probability) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.active.splice(this.active.indexOf(entry), 1);
      return entry.fault as T;
    }
    return undefined;
  }
}
