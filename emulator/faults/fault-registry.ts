import type { ActiveFault, Fault, InboxFault, TriggerApiFault } from '../generated/schema-types.js';

/**
 * Injected failures, consumed one call at a time (DESIGN.md control API `faults`). Trigger-API
 * faults replace the real answer of the next calls; inbox faults make a built-in inbox refuse.
 */
export class FaultRegistry {
  private active: ActiveFault[] = [];

  add(fault: Fault): ActiveFault {
    const entry: ActiveFault = { fault, remaining: fault.count ?? 1 };
    this.active.push(entry);
    return entry;
  }

  list(): ActiveFault[] {
    return this.active.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.active = [];
  }

  /** The fault the next trigger-API call answers with, if any; consumes one use. */
  takeTriggerApiFault(): TriggerApiFault | undefined {
    return this.take((fault): fault is TriggerApiFault => fault.target === 'trigger-api');
  }

  /** The fault the inbox answers its next delivery with, if any; consumes one use. */
  takeInboxFault(inbox: string): InboxFault | undefined {
    return this.take((fault): fault is InboxFault => fault.target === 'inbox' && fault.inbox === inbox);
  }

  private take<T extends Fault>(matches: (fault: Fault) => fault is T): T | undefined {
    const entry = this.active.find((candidate) => matches(candidate.fault));
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.active.splice(this.active.indexOf(entry), 1);
    return entry.fault as T;
  }
}
