/**
 * What a soak run counts and how it judges the result. Pure: the run feeds it, a unit test checks it.
 *
 * An event is one appointment change as one flow should see it. The load side says which events it
 * expects (the flows live on that mailbox when the change was answered); the receiver says which
 * arrived and how it answered. Nothing here trusts the emulator's own journal.
 */

/** One event: the flow's callback path, the appointment, and the marker the change wrote into it. */
export function eventKey(flowPath: string, appointmentId: string, marker: string): string {
  return `${flowPath}|${appointmentId}|${marker}`;
}

export interface DeliveryFigures {
  /** Events the load expected: one per change and per flow subscribed to it at that moment. */
  sent: number;
  /** Expected events the receiver accepted (answered 2xx) at least once. */
  delivered: number;
  /** Accepted arrivals beyond the first of the same event (at-least-once allows them). */
  duplicates: number;
  /** Expected events never accepted. Must be 0. */
  lost: number;
  /** Arrivals of events nobody expected (a flow that was gone, a change that never happened). Must be 0. */
  unexpected: number;
  /** Every POST the receiver answered, refusals included. */
  attempts: number;
  /** Answers the receiver gave with 429 or 5xx on purpose. */
  refusedOnPurpose: number;
}

/** Counts expected events against what a receiver accepted. */
export class DeliveryLedger {
  private readonly expected = new Set<string>();
  private readonly accepted = new Map<string, number>();
  private attempts = 0;
  private refused = 0;

  expect(key: string): void {
    this.expected.add(key);
  }

  /** The receiver's view of one POST: the event it carried and the status it answered. */
  record(key: string, status: number): void {
    this.attempts += 1;
    if (status >= 200 && status < 300) this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
    else this.refused += 1;
  }

  /** Expected events not accepted yet; the drain waits for this to reach 0. */
  outstanding(): number {
    let missing = 0;
    for (const key of this.expected) if (!this.accepted.has(key)) missing += 1;
    return missing;
  }

  /** A few keys of lost events, for the report. */
  lostExamples(limit = 5): string[] {
    return [...this.expected].filter((key) => !this.accepted.has(key)).slice(0, limit);
  }

  figures(): DeliveryFigures {
    let delivered = 0;
    let duplicates = 0;
    let unexpected = 0;
    for (const [key, count] of this.accepted) {
      if (!this.expected.has(key)) {
        unexpected += 1;
        continue;
      }
      delivered += 1;
      duplicates += count - 1;
    }
    return {
      sent: this.expected.size,
      delivered,
      duplicates,
      lost: this.expected.size - delivered,
      unexpected,
      attempts: this.attempts,
      refusedOnPurpose: this.refused,
    };
  }
}

/** The emulator process at one moment. Heap figures are taken after a forced collection. */
export interface ProcessSample {
  rssBytes: number;
  heapUsedBytes: number;
  openFds: number;
}

interface ResourceFigures {
  start: ProcessSample;
  end: ProcessSample;
  peak: { rssBytes: number; heapUsedBytes: number };
  /** Bytes of the delivery journal as JSON at the end: the emulator keeps it on purpose (decision 010). */
  journalBytes: number;
}

export interface SoakBounds {
  /** Heap may grow by this much beyond what the journal itself explains. */
  heapSlackBytes: number;
  /** How many heap bytes one journal byte (as JSON) may cost in objects. */
  heapPerJournalByte: number;
  /** RSS may grow by the heap allowance plus this much (allocator pages, code, buffers). */
  rssSlackBytes: number;
  /** Open descriptors at the end may exceed the start by this many. */
  fdSlack: number;
}

export const defaultBounds: SoakBounds = {
  heapSlackBytes: 32 * 1024 * 1024,
  heapPerJournalByte: 2,
  rssSlackBytes: 96 * 1024 * 1024,
  fdSlack: 2,
};

export interface SoakOutcome {
  deliveries: DeliveryFigures;
  resources: ResourceFigures;
  /** Load calls that did not get the answer they should have (network errors, unexpected statuses). */
  operationErrors: number;
  /** Deliveries the emulator still had pending or retrying after the drain. */
  pendingAfterDrain: number;
  /** Why the emulator stopped early, or logged an error; empty when it ran clean. */
  emulatorProblems: string[];
}

/** The heap growth a run may show: slack plus what the journal it keeps on purpose explains. */
function heapAllowance(resources: ResourceFigures, bounds: SoakBounds): number {
  return bounds.heapSlackBytes + resources.journalBytes * bounds.heapPerJournalByte;
}

/** Every reason the run failed; empty when it passed. */
export function judge(outcome: SoakOutcome, bounds: SoakBounds = defaultBounds): string[] {
  const problems: string[] = [...outcome.emulatorProblems];
  const { deliveries, resources } = outcome;
  if (deliveries.sent === 0) problems.push('no events were sent: the load did not run');
  if (deliveries.lost > 0) problems.push(`${deliveries.lost} events lost (never accepted by the receiver)`);
  if (deliveries.unexpected > 0)
    problems.push(`${deliveries.unexpected} events arrived that no live subscription should have had`);
  if (outcome.operationErrors > 0) problems.push(`${outcome.operationErrors} load calls failed`);
  if (outcome.pendingAfterDrain > 0)
    problems.push(`${outcome.pendingAfterDrain} deliveries still pending or retrying after the drain`);
  const allowance = heapAllowance(resources, bounds);
  const heapGrowth = resources.end.heapUsedBytes - resources.start.heapUsedBytes;
  if (heapGrowth > allowance)
    problems.push(`heap grew by ${mib(heapGrowth)}, more than the ${mib(allowance)} allowed`);
  const rssGrowth = resources.end.rssBytes - resources.start.rssBytes;
  if (rssGrowth > allowance + bounds.rssSlackBytes)
    problems.push(
      `RSS grew by ${mib(rssGrowth)}, more than the ${mib(allowance + bounds.rssSlackBytes)} allowed`,
    );
  const fdGrowth = resources.end.openFds - resources.start.openFds;
  if (fdGrowth > bounds.fdSlack)
    problems.push(
      `${fdGrowth} file descriptors leaked (${resources.start.openFds} at start, ${resources.end.openFds} at end)`,
    );
  return problems;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The figures as a small table, one line each. */
export function formatReport(
  outcome: SoakOutcome,
  run: { seconds: number; seed: number; operations: number },
  bounds: SoakBounds = defaultBounds,
): string {
  const { deliveries: d, resources: r } = outcome;
  const allowance = heapAllowance(r, bounds);
  const rows: Array<[string, string]> = [
    ['duration / seed', `${run.seconds} s / ${run.seed}`],
    ['load calls', `${run.operations} (${outcome.operationErrors} failed)`],
    ['events sent', String(d.sent)],
    ['delivered at least once', String(d.delivered)],
    ['duplicates', String(d.duplicates)],
    ['lost', String(d.lost)],
    ['unexpected', String(d.unexpected)],
    ['receiver attempts', `${d.attempts} (${d.refusedOnPurpose} refused on purpose)`],
    ['pending after drain', String(outcome.pendingAfterDrain)],
    ['RSS start / end / peak', `${mib(r.start.rssBytes)} / ${mib(r.end.rssBytes)} / ${mib(r.peak.rssBytes)}`],
    [
      'heap start / end / peak',
      `${mib(r.start.heapUsedBytes)} / ${mib(r.end.heapUsedBytes)} / ${mib(r.peak.heapUsedBytes)}`,
    ],
    ['journal kept (JSON)', mib(r.journalBytes)],
    [
      'heap growth / allowed',
      `${mib(r.end.heapUsedBytes - r.start.heapUsedBytes)} / ${mib(allowance)} (${mib(bounds.heapSlackBytes)} + ${bounds.heapPerJournalByte} x journal)`,
    ],
    ['open fds start / end', `${r.start.openFds} / ${r.end.openFds} (slack ${bounds.fdSlack})`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}
