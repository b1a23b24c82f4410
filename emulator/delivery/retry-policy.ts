/**
 * When a failed delivery is tried again (docs/contract.md (The callback) policy: the real behaviour is undocumented).
 * A policy is data: the delay before each retry. Which failures are retried is the same for all.
 */
export interface RetryPolicy {
  readonly name: string;
  /** Delay before retry n (index 0 = the first retry); its length is the number of retries. */
  readonly delaysMs: readonly number[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Logic Apps' default exponential policy: 4 retries, growing from 5 s, capped at 45 s. */
const logicAppsDelays = [0, 1, 2, 3].map((n) => Math.min(5 * SECOND * 2 ** n, 45 * SECOND));

/** Graph-notification-like: exponential from one minute, capped at an hour, about four hours in all. */
const graphDelays = [1, 2, 4, 8, 16, 32, 60, 60, 57].map((minutes) => minutes * MINUTE);

export const namedRetryPolicies: Readonly<Record<string, RetryPolicy>> = Object.freeze({
  none: { name: 'none', delaysMs: [] },
  'logic-apps': { name: 'logic-apps', delaysMs: logicAppsDelays },
  graph: { name: 'graph', delaysMs: graphDelays },
});

export const defaultRetryPolicyName = 'logic-apps';

const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const unitMs: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE };

/** Parses `250ms`, `5s`, `30m`, `4h`, `1d`. */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return Number(match[1]) * (unitMs[match[2]] ?? 0);
}

/** A policy by name, or a custom comma-separated list of delays such as `1s,5s,30s`. */
export function resolveRetryPolicy(spec: string): RetryPolicy {
  const named = namedRetryPolicies[spec];
  if (named) return named;
  const parts = spec.split(',').map((part) => part.trim());
  const delays = parts.map(parseDuration);
  if (parts.length > 0 && parts.length <= 50 && delays.every((delay) => delay !== undefined)) {
    return { name: spec, delaysMs: delays as number[] };
  }
  throw new Error(
    `Unknown retry policy "${spec}". Use one of ${Object.keys(namedRetryPolicies).join(', ')}, or a comma-separated list of delays such as 1s,5s,30s (units ms, s, m, h).`,
  );
}

/** Logic Apps' rule: request timeout, throttling, server errors; network errors are retried by the caller. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * SECOND;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
