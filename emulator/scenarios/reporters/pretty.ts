import type { RunReport } from '../results.js';
import { matrixTable } from './matrix-table.js';
import { failureLines, statusMark } from './scenario-lines.js';

/** One line per scenario run, and for each failure where and what differed. */
export function listingReport(report: RunReport): string {
  const lines: string[] = [];
  for (const scenario of report.scenarios) {
    const variant = scenario.variant === undefined ? '' : ` [${scenario.variant}]`;
    lines.push(
      `${statusMark(scenario)} ${scenario.name}${variant} (${scenario.file}): ${scenario.steps} steps, ${scenario.expectations} expectations, ${scenario.deliveries} deliveries`,
    );
    lines.push(...failureLines(scenario));
  }
  lines.push('', `${report.passed} passed, ${report.failed + report.errors} failed`);
  return `${lines.join('\n')}\n`;
}

/** For a person at a terminal: the listing, or for a run --matrix a table of scenarios by variant. */
export function prettyReport(report: RunReport): string {
  const isMatrix = report.scenarios.some((scenario) => scenario.variant !== undefined);
  return isMatrix ? matrixTable(report) : listingReport(report);
}
