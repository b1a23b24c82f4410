import { type RunReport, totalsLine } from '../results.js';
import { matrixTable } from './matrix-table.js';
import { failureLines, verdictLine } from './scenario-lines.js';

/** One line per scenario run, and for each failure where and what differed. */
export function listingReport(report: RunReport): string {
  const lines: string[] = [];
  for (const scenario of report.scenarios) lines.push(verdictLine(scenario), ...failureLines(scenario));
  lines.push('', totalsLine(report));
  return `${lines.join('\n')}\n`;
}

/** For a person at a terminal: the listing, or for a run --matrix a table of scenarios by variant. */
export function prettyReport(report: RunReport): string {
  const isMatrix = report.scenarios.some((scenario) => scenario.variant !== undefined);
  return isMatrix ? matrixTable(report) : listingReport(report);
}
