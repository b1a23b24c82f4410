import type { FieldDiff } from '../expectations.js';
import type { ScenarioResult } from '../results.js';

const marks: Record<ScenarioResult['status'], string> = {
  passed: 'PASS',
  failed: 'FAIL',
  error: 'ERROR',
  skipped: 'SKIP',
};

export function statusMark(scenario: ScenarioResult): string {
  return marks[scenario.status];
}

/** The one line of a scenario run: its verdict and counts, or why it was skipped. */
export function verdictLine(scenario: ScenarioResult): string {
  const variant = scenario.variant === undefined ? '' : ` [${scenario.variant}]`;
  const head = `${statusMark(scenario)} ${scenario.name}${variant} (${scenario.file})`;
  if (scenario.status === 'skipped') return `${head}: skipped: ${scenario.skipReason ?? ''}`;
  return `${head}: ${scenario.steps} steps, ${scenario.expectations} expectations, ${scenario.deliveries} deliveries`;
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
