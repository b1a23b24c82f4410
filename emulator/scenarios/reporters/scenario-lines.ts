import type { FieldDiff } from '../expectations.js';
import type { ScenarioResult } from '../results.js';

export function statusMark(scenario: ScenarioResult): string {
  return scenario.status === 'passed' ? 'PASS' : scenario.status === 'failed' ? 'FAIL' : 'ERROR';
}

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

/**
 * Why a scenario run did not pass: its error, and each failed step with where it is and what
 * differed. A run --matrix result names its variant on every line, so a line read alone says it.
 */
export function failureLines(scenario: ScenarioResult): string[] {
  const variant = scenario.variant === undefined ? '' : `[${scenario.variant}] `;
  const lines: string[] = [];
  if (scenario.error) lines.push(`  ${variant}${scenario.error}`);
  for (const failure of scenario.failures) {
    lines.push(
      `  ${variant}step ${failure.step} ${failure.verb} at ${scenario.file}:${failure.line}:${failure.col}: ${failure.message}`,
    );
    for (const diff of failure.diffs ?? []) lines.push(`    ${describeDiff(diff)}`);
  }
  if (scenario.moreFailures > 0) lines.push(`  ${variant}... and ${scenario.moreFailures} more failures`);
  return lines;
}
