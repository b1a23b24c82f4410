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
  status: 'passed' | 'failed' | 'error';
  steps: number;
  expectations: number;
  deliveries: number;
  failures: StepFailure[];
  /** Failures past the ones kept. */
  moreFailures: number;
  /** Why the scenario could not run at all. */
  error?: string;
}

export interface RunReport {
  scenarios: ScenarioResult[];
  passed: number;
  failed: number;
  errors: number;
}

export function summarise(scenarios: ScenarioResult[]): RunReport {
  return {
    scenarios,
    passed: scenarios.filter((scenario) => scenario.status === 'passed').length,
    failed: scenarios.filter((scenario) => scenario.status === 'failed').length,
    errors: scenarios.filter((scenario) => scenario.status === 'error').length,
  };
}
