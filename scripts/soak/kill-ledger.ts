/**
 * What the kill loop counts. Pure: the load tells it each change and how the emulator answered,
 * the receiver tells it each arrival; the judgement comes at the end, from these counts alone.
 *
 * A change is one Graph call (create or update) carrying a marker of its own in
 * `additionalInformation`; an event is one change as one flow must see it, keyed by the flow's
 * path and the marker. Keys need no appointment id, so a create that died with a kill (no answer,
 * no id) can still be recognised if it arrives anyway.
 */

export type ChangeOutcome =
  /** Answered 2xx: the emulator promised the change, so every flow must hear of it. */
  | 'acknowledged'
  /** No answer: the request died with a kill. It may or may not have happened; not a loss either way. */
  | 'unacknowledged'
  /** Answered, but not 2xx: the change did not happen. */
  | 'refused';

export interface ChangeRecord {
  marker: string;
  /** Paths of the flows that must see this change (those listening to its trigger). */
  flowPaths: readonly string[];
  outcome: ChangeOutcome;
  /** The appointment the answer named, when it could be read. */
  appointmentId?: string;
}

function killEventKey(flowPath: string, marker: string): string {
  return `${flowPath}|${marker}`;
}

export interface KillLoopFigures {
  changes: { sent: number; acknowledged: number; unacknowledged: number; refused: number };
  /** Events of acknowledged changes: one per change and per flow listening to it. */
  expected: number;
  /** Expected events the receiver accepted at least once. */
  delivered: number;
  /** Expected events never accepted. Must be 0. */
  lost: number;
  /** Accepted arrivals beyond the first of the same event, acknowledged or not. */
  duplicates: number;
  /** Unacknowledged changes of which at least one event was accepted anyway. */
  unacknowledgedArrived: number;
  /** Accepted arrivals of no change we sent, of a refused change, or naming another appointment. */
  unexpected: number;
  /** Every POST the receiver answered, refusals included. */
  attempts: number;
  refusedOnPurpose: number;
}

interface Arrival {
  marker: string;
  accepted: number;
  appointmentIds: Set<string>;
}

export class KillLoopLedger {
  private readonly changes = new Map<string, ChangeRecord>();
  private readonly arrivals = new Map<string, Arrival>();
  private attempts = 0;
  private refused = 0;

  /** The load's view of one change, once its answer (or the lack of one) is known. */
  change(record: ChangeRecord): void {
    this.changes.set(record.marker, record);
  }

  /** The receiver's view of one POST: which flow, which change, and the status it answered. */
  arrival(flowPath: string, marker: string, appointmentId: string, status: number): void {
    this.attempts += 1;
    if (status < 200 || status >= 300) {
      this.refused += 1;
      return;
    }
    const key = killEventKey(flowPath, marker);
    const arrival = this.arrivals.get(key) ?? { marker, accepted: 0, appointmentIds: new Set<string>() };
    arrival.accepted += 1;
    arrival.appointmentIds.add(appointmentId);
    this.arrivals.set(key, arrival);
  }

  /** The acknowledged changes, for the journal check. */
  acknowledged(): ChangeRecord[] {
    return [...this.changes.values()].filter((change) => change.outcome === 'acknowledged');
  }

  /** Expected events not accepted yet: the drain waits for this to reach 0. */
  outstanding(): number {
    return this.lostKeys().length;
  }

  lostExamples(limit = 5): string[] {
    return this.lostKeys().slice(0, limit);
  }

  private lostKeys(): string[] {
    const lost: string[] = [];
    for (const change of this.acknowledged())
      for (const path of change.flowPaths) {
        const key = killEventKey(path, change.marker);
        if (!this.arrivals.has(key)) lost.push(key);
      }
    return lost;
  }

  figures(): KillLoopFigures {
    const counted = { sent: 0, acknowledged: 0, unacknowledged: 0, refused: 0 };
    let expected = 0;
    let delivered = 0;
    let unacknowledgedArrived = 0;
    const known = new Set<string>();
    for (const change of this.changes.values()) {
      counted.sent += 1;
      counted[change.outcome] += 1;
      if (change.outcome === 'refused') continue;
      let arrived = false;
      for (const path of change.flowPaths) {
        const key = killEventKey(path, change.marker);
        known.add(key);
        const arrival = this.arrivals.get(key);
        if (arrival) arrived = true;
        if (change.outcome === 'acknowledged') {
          expected += 1;
          if (arrival) delivered += 1;
        }
      }
      if (change.outcome === 'unacknowledged' && arrived) unacknowledgedArrived += 1;
    }
    let duplicates = 0;
    let unexpected = 0;
    for (const [key, arrival] of this.arrivals) {
      if (!known.has(key)) {
        unexpected += arrival.accepted;
        continue;
      }
      duplicates += arrival.accepted - 1;
      const id = this.changes.get(arrival.marker)?.appointmentId;
      if (id !== undefined && [...arrival.appointmentIds].some((seen) => seen !== id)) unexpected += 1;
    }
    return {
      changes: counted,
      expected,
      delivered,
      lost: expected - delivered,
      duplicates,
      unacknowledgedArrived,
      unexpected,
      attempts: this.attempts,
      refusedOnPurpose: this.refused,
    };
  }
}
