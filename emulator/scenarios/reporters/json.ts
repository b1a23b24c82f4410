import type { RunReport } from '../results.js';

/** The whole report as JSON; stable for a given seed (no wall-clock times in it). */
export function jsonReport(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
