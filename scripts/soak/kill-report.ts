import type { JournalFigures } from './kill-checks.js';
import type { KillLoopFigures } from './kill-ledger.js';

export interface KillRecord {
  /** Milliseconds since the load began. */
  atMs: number;
  /** Graph calls awaiting an answer when the kill landed. */
  callsInFlight: number;
  /** POSTs the receiver was still answering when the kill landed. */
  deliveriesInFlight: number;
  /** From the kill to the restarted emulator's listening line. */
  downMs: number;
}

/** Everything a kill-loop run found, the verdict (`problems`, empty when it passed) and the summary. */
export interface KillReport {
  options: { seconds: number; seed: number; rate: number; killEveryMs: number; negativeControl: boolean };
  figures: KillLoopFigures;
  kills: readonly KillRecord[];
  /** Restarts that could not have the previous port back. */
  portChanges: number;
  /** Attempts that can be on the wire to one origin, so accepted but not yet journaled, at a kill. */
  attemptsPerKill: number;
  /** Duplicates allowed: kills times `attemptsPerKill`. */
  duplicateBound: number;
  /** Undefined when the run stopped before the drain. */
  journal: JournalFigures | undefined;
  /** The exit code of the final SIGTERM (0: drained and closed cleanly); null when not reached. */
  stopCode: number | null;
  /** `ok`, or what `PRAGMA integrity_check` said. */
  integrity: string;
  lostExamples: string[];
  emulatorProblems: string[];
  problems: string[];
  summary: string;
}

/** Every reason the run failed, beyond those it already noted; empty when it passed. */
export function judgeKillLoop(report: KillReport): string[] {
  const { figures: f, journal } = report;
  const problems: string[] = [...report.emulatorProblems];
  if (f.changes.acknowledged === 0) problems.push('no change was acknowledged: the load did not run');
  if (report.kills.length === 0)
    problems.push('no kill happened: run for longer than --kill-every (kills come at 0.5 to 1.5 times it)');
  if (f.lost > 0)
    problems.push(
      `${f.lost} acknowledged events lost (never accepted by the receiver), for example: ${report.lostExamples.join(', ')}`,
    );
  if (f.duplicates > report.duplicateBound)
    problems.push(`${f.duplicates} duplicates, more than the bound of ${report.duplicateBound}`);
  if (f.unexpected > 0)
    problems.push(`${f.unexpected} arrivals of no change sent (or naming another appointment)`);
  if (f.changes.refused > 0) problems.push(`${f.changes.refused} changes were answered with an error`);
  if (journal) {
    if (journal.missing > 0)
      problems.push(
        `${journal.missing} acknowledged events have no delivered delivery in the journal, for example: ${journal.missingExamples.join(', ')}`,
      );
    if (journal.unsettled > 0)
      problems.push(`${journal.unsettled} deliveries still pending or retrying after the drain`);
    if (journal.failed > 0) problems.push(`${journal.failed} deliveries failed in the journal`);
    if (report.stopCode !== 0)
      problems.push(`the final SIGTERM ended the emulator with code ${report.stopCode}`);
  }
  if (!report.options.negativeControl && report.integrity !== 'ok')
    problems.push(`the database is not intact: integrity_check says ${report.integrity}`);
  return problems;
}

/** `min-max` of some figures. */
function range(values: readonly number[]): string {
  return `${Math.min(...values)}-${Math.max(...values)}`;
}

/** The summary: one figure a line. */
export function formatKillReport(report: KillReport): string {
  const { figures: f, journal, options: o, kills } = report;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rows: Array<[string, string]> = [
    [
      'run',
      `${o.seconds} s of load at ${o.rate} calls/s, seed ${o.seed}, a kill every ${seconds(o.killEveryMs)} ` +
        `(each interval ${seconds(o.killEveryMs / 2)} to ${seconds((o.killEveryMs * 3) / 2)})` +
        (o.negativeControl ? ', NEGATIVE CONTROL: no --data-dir' : ''),
    ],
    [
      'kills (SIGKILL)',
      `${kills.length}, restarted on the same port ${kills.length - report.portChanges} times` +
        (kills.length === 0
          ? ''
          : `; in flight at each kill: ${range(kills.map((k) => k.callsInFlight))} calls, ${range(kills.map((k) => k.deliveriesInFlight))} deliveries`),
    ],
    [
      'down per kill',
      kills.length === 0 ? '-' : `${range(kills.map((k) => k.downMs))} ms (kill to listening again)`,
    ],
    ['changes sent', String(f.changes.sent)],
    ['  acknowledged (2xx)', String(f.changes.acknowledged)],
    [
      '  unacknowledged',
      `${f.changes.unacknowledged} (no answer: died with a kill; ${f.unacknowledgedArrived} arrived anyway)`,
    ],
    ['  refused (not 2xx)', String(f.changes.refused)],
    ['events expected', `${f.expected} (acknowledged changes x flows listening)`],
    ['delivered at least once', String(f.delivered)],
    ['lost', String(f.lost)],
    [
      'duplicates / bound',
      `${f.duplicates} / ${report.duplicateBound} (${kills.length} kills x ${report.attemptsPerKill} attempts in flight)`,
    ],
    ['unexpected', String(f.unexpected)],
    ['receiver attempts', `${f.attempts} (${f.refusedOnPurpose} refused on purpose)`],
    [
      'journal',
      journal
        ? `${journal.checked - journal.missing} of ${journal.checked} delivered, ${journal.unsettled} pending/retrying, ${journal.failed} failed`
        : 'not checked (the run stopped early)',
    ],
    ['final stop (SIGTERM)', report.stopCode === null ? 'not reached' : `exit ${report.stopCode}`],
    ['integrity_check', report.integrity],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}
