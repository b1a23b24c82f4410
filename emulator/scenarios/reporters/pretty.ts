import type { FieldDiff } from '../expectations.js';
import type { RunReport } from '../results.js';

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function describeDiff(diff: FieldDiff): string {
  switch (diff.problem) {
    case 'missing':
      return `${diff.path}: expected ${show(diff.expected)}, but it is missing`;
    case 'unexpected':
      return `${diff.path}: expected absent, found ${show(diff.actual)}`;
    default:
      return `${diff.path}: expected ${show(diff.expected)}, found ${show(diff.actual)}`;
  }
}

/** For a person at a terminal: one line per scenario, and for each failure where and what differed. */
export function prettyReport(report: RunReport): string {
  const lines: string[] = [];
  for (const scenario of report.scenarios) {
    const mark = scenario.status === 'passed' ? 'PASS' : scenario.status === 'failed' ? 'FAIL' : 'ERROR';
    lines.push(
      `${mark} ${scenario.name} (${scenario.file}): ${scenario.steps} steps, ${scenario.expectations} expectations, ${scenario.deliveries} deliveries`,
    );
    if (scenario.error) lines.push(`  ${scenario.error}`);
    for (const failure of scenario.failures) {
      lines.push(
        `  step ${failure.step} ${failure.verb} at ${scenario.file}:${failure.line}:${failure.col}: ${failure.message}`,
      );
      for (const diff of failure.diffs ?? []) lines.push(`    ${describeDiff(diff)}`);
    }
    if (scenario.moreFailures > 0) lines.push(`  ... and ${scenario.moreFailures} more failures`);
  }
  lines.push('', `${report.passed} passed, ${report.failed + report.errors} failed`);
  return `${lines.join('\n')}\n`;
}
