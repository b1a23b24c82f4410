import type { FieldDiff } from './expectations.js';

export interface StepFailure {
  /** 1-based count of steps executed when it failed (repeats unrolled). */
  step: number;
  verb: string;
  line: number;
  col: number;
  message: string;
  diffs?: FieldDiff[];
}

export interface ScenarioResult {
  name: string;
  file: string;
  /** The policy variant of a `run --matrix` run (PolicyVariant.name); absent on a plain run. */
  variant?: string;
  /** skipped: a service the scenario needs (its `needs:`) is not running; it does not fail the run. */
  status: 'passed' | 'failed' | 'error' | 'skipped';
  steps: number;
  expectations: number;
  deliveries: number;
  failures: StepFailure[];
  /** Failures past the ones kept. */
  moreFailures: number;
  /** Why the scenario could not run at all. */
  error?: string;
  /** Why the scenario was skipped: which needed service to start, and how. */
  skipReason?: string;
  /** Wall-clock time the scenario took; the JSON report leaves it out, so that it stays repeatable. */
  durationMs?: number;
}

export interface RunReport {
  scenarios: ScenarioResult[];
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

export function summarise(scenarios: ScenarioResult[]): RunReport {
  const count = (status: ScenarioResult['status']) =>
    scenarios.filter((scenario) => scenario.status === status).length;
  return {
    scenarios,
    passed: count('passed'),
    failed: count('failed'),
    errors: count('error'),
    skipped: count('skipped'),
  };
}

/** "3 passed, 1 failed", with ", 2 skipped" when any were. */
export function totalsLine(report: RunReport): string {
  const skipped = report.skipped > 0 ? `, ${report.skipped} skipped` : '';
  return `${report.passed} passed, ${report.failed + report.errors} failed${skipped}`;
}
