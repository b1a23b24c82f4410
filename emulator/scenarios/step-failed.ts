import type { CallExpectation } from '../generated/schema-types.js';
import type { FieldDiff } from './expectations.js';
import type { TargetResponse } from './targets/target.js';

/** A failed step: the runner records it and goes on with the next step. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly diffs?: FieldDiff[],
  ) {
    super(message);
  }
}

/** Fails the step unless the answer is the expected status or error code (any 2xx when none is given). */
export function checkAnswer(
  method: string,
  path: string,
  response: TargetResponse,
  expectation: CallExpectation | undefined,
): void {
  const code = (response.body as { error?: { code?: string } } | undefined)?.error?.code;
  const describe = () => `${method} ${path} answered ${response.status}${code ? ` ${code}` : ''}`;
  if (expectation?.status !== undefined && response.status !== expectation.status) {
    throw new StepFailed(`expected status ${expectation.status}; ${describe()}`, [
      { path: 'status', expected: expectation.status, actual: response.status, problem: 'different' },
    ]);
  }
  if (expectation?.code !== undefined && code !== expectation.code) {
    throw new StepFailed(`expected error code ${expectation.code}; ${describe()}`, [
      { path: 'code', expected: expectation.code, actual: code, problem: 'different' },
    ]);
  }
  if (!expectation && (response.status < 200 || response.status >= 300)) {
    const message = (response.body as { error?: { message?: string } } | undefined)?.error?.message;
    throw new StepFailed(`${describe()}${message ? `: ${message}` : ''}`);
  }
}
