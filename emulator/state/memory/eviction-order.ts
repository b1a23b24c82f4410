import { Fifo } from './fifo.js';

interface Entry {
  id: string;
  /** Journal position: smaller is older. */
  seq: number;
}

/**
 * Which settled delivery the journal drops next under retention: the oldest in journal order,
 * passing over the ones still in flight. O(1) amortised per delivery: each id leaves the journal
 * queue once; one found in flight at its front waits aside (`held`) and, once it settles, goes to a
 * short sorted list of its own, whose entries are all older than anything still queued.
 */
export class EvictionOrder {
  private readonly queued = new Fifo<Entry>();
  /** Met at the front of the queue while pending or retrying. */
  private readonly held = new Map<string, number>();
  /** Held ones that settled since, oldest first. Rarely more than a few. */
  private readonly settledHeld: Entry[] = [];
  private nextSeq = 0;

  /** `isSettled` answers undefined for an id no longer journaled. */
  constructor(private readonly isSettled: (id: string) => boolean | undefined) {}

  added(id: string): void {
    this.queued.push({ id, seq: this.nextSeq++ });
  }

  /** Called after a journaled delivery's status was saved. */
  statusSaved(id: string, settled: boolean): void {
    if (settled) {
      const seq = this.held.get(id);
      if (seq === undefined) return;
      this.held.delete(id);
      const at = this.settledHeld.findIndex((entry) => entry.seq > seq);
      this.settledHeld.splice(at < 0 ? this.settledHeld.length : at, 0, { id, seq });
      return;
    }
    // Redelivered: in flight again.
    const at = this.settledHeld.findIndex((entry) => entry.id === id);
    const entry = this.settledHeld[at];
    if (!entry) return;
    this.settledHeld.splice(at, 1);
    this.held.set(id, entry.seq);
  }

  /** Takes the oldest settled delivery out of the order and returns its id; none: undefined. */
  takeOldestSettled(): string | undefined {
    const early = this.settledHeld.shift();
    if (early) return early.id;
    for (let entry = this.queued.shift(); entry; entry = this.queued.shift()) {
      const settled = this.isSettled(entry.id);
      if (settled) return entry.id;
      if (settled === false) this.held.set(entry.id, entry.seq);
    }
    return undefined;
  }

  clear(): void {
    this.queued.clear();
    this.held.clear();
    this.settledHeld.length = 0;
  }
}
