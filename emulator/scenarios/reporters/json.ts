import type { RunReport } from '../results.js';

/** The whole report as JSON; stable for a given seed: the wall-clock times (durationMs) are left out. */
export function jsonReport(report: RunReport): string {
  const withoutTimes = (key: string, value: unknown) => (key === 'durationMs' ? undefined : value);
  return `${JSON.stringify(report, withoutTimes, 2)}\n`;
}
