import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpStep } from '../generated/schema-types.js';
import { type FieldDiff, partialDiff } from './expectations.js';
import { addressOf, type NeededService, nothingListensMessage } from './needs.js';
import type { ScenarioResult } from './results.js';
import { StepFailed } from './step-failed.js';
import type { ScenarioTarget, TargetResponse } from './targets/target.js';
import { resolveDuration } from './template.js';

/** How often an `http` step with `within` calls again, in real time. */
const httpPollIntervalMs = 100;

/** One call of an `http` step may take this long before it counts as failed. */
const callTimeoutMs = 10_000;

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why `url` may not be called from a scenario, or undefined when it may: an `http` step reaches only
 * loopback (a scenario file is shared and replayed anywhere; it must not reach out to the network)
 * or, with a path, the scenario's own emulator.
 */
export function httpUrlProblem(url: string): string | undefined {
  if (url.startsWith('/')) return undefined;
  if (!URL.canParse(url)) return `"${url}" is neither a path (/_emulator/...) nor an absolute URL`;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `"${url}" is not http(s); an http step calls http://127.0.0.1:PORT/... or a path`;
  if (!loopbackHosts.has(parsed.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(parsed.hostname))
    return `"${url}" is not on loopback; an http step calls only 127.0.0.1, localhost or [::1]`;
  return undefined;
}

/** What a failed call looks like to the step: a status of 0 and the reason. */
interface HttpOutcome {
  response?: TargetResponse;
  error?: string;
  /** host:port that refused the connection: nothing listens there, so calling again will not help. */
  refused?: string;
}

/** Makes the step's call once: a path goes to the scenario's emulator, a URL over loopback. */
async function callHttp(step: HttpStep, target: ScenarioTarget): Promise<HttpOutcome> {
  const method = step.method ?? 'GET';
  if (step.url.startsWith('/')) {
    return {
      response: await target.call(method, step.url, step.body === undefined ? {} : { body: step.body }),
    };
  }
  try {
    const response = await fetch(step.url, {
      method,
      signal: AbortSignal.timeout(callTimeoutMs),
      ...(step.body === undefined
        ? {}
        : { body: JSON.stringify(step.body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: kept as text, so a json expectation reports what came back
    }
    return {
      response: { status: response.status, headers: Object.fromEntries(response.headers.entries()), body },
    };
  } catch (error) {
    const cause = (error as Error & { cause?: NodeJS.ErrnoException }).cause;
    const message = cause?.message ?? (error as Error).message;
    if (cause?.code === 'ECONNREFUSED') return { error: message, refused: addressOf(new URL(step.url)) };
    return { error: message };
  }
}

/** Where the answer differs from the step's `expect` (any 2xx when it has none); empty when it holds. */
function httpDiffs(step: HttpStep, outcome: HttpOutcome): FieldDiff[] {
  const { response } = outcome;
  if (!response)
    return [
      { path: 'status', expected: step.expect?.status ?? '2xx', actual: outcome.error, problem: 'missing' },
    ];
  const expected = step.expect;
  if (expected?.status === undefined && (response.status < 200 || response.status >= 300))
    return [{ path: 'status', expected: '2xx', actual: response.status, problem: 'different' }];
  const diffs: FieldDiff[] = [];
  if (expected?.status !== undefined && expected.status !== response.status)
    diffs.push({ path: 'status', expected: expected.status, actual: response.status, problem: 'different' });
  if (expected?.json !== undefined) diffs.push(...partialDiff(response.body, expected.json));
  return diffs;
}

/**
 * Calls a loopback URL (or a path of the emulator) and checks the answer; with `within`, calls
 * again in real time until it holds, since the downstream side does not run on the scenario clock.
 * A refused connection fails at once, saying which of the scenario's `needs` to start.
 */
export async function runHttpStep(
  step: HttpStep,
  target: ScenarioTarget,
  result: ScenarioResult,
  services: readonly NeededService[] = [],
): Promise<void> {
  const method = step.method ?? 'GET';
  const problem = httpUrlProblem(step.url);
  if (problem) throw new StepFailed(problem);
  if (step.expect) result.expectations += 1;
  const deadline = Date.now() + (step.within === undefined ? 0 : resolveDuration(step.within));
  for (;;) {
    await target.settle();
    const outcome = await callHttp(step, target);
    const diffs = httpDiffs(step, outcome);
    if (diffs.length === 0) return;
    if (outcome.refused)
      throw new StepFailed(
        `${method} ${step.url}: ${nothingListensMessage(outcome.refused, services)}`,
        diffs,
      );
    if (Date.now() >= deadline) {
      const answer = outcome.response ? `answered ${outcome.response.status}` : `failed: ${outcome.error}`;
      const summary = diffs.map((diff) => diff.path).join(', ');
      const waited = step.within === undefined ? '' : ` within ${step.within}`;
      throw new StepFailed(`${method} ${step.url} ${answer}; not as expected${waited} (${summary})`, diffs);
    }
    await sleep(httpPollIntervalMs);
  }
}
