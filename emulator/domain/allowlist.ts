/**
 * Which notification_url hosts a subscription may use (docs/contract.md (Rules), source [B]; the list
 * itself is policy). Matching is on the parsed URL host, never on a substring of the URL.
 */

const powerPlatformHosts = [
  '*.logic.azure.com',
  '*.azure-apim.net',
  '*.powerplatform.com',
  '*.flow.microsoft.com',
] as const;

const loopbackHosts = ['localhost', '127.0.0.1'] as const;

export type AllowlistProfile = 'default' | 'strict';

export function profileAllowlist(profile: AllowlistProfile): string[] {
  return profile === 'strict' ? [...powerPlatformHosts] : [...powerPlatformHosts, ...loopbackHosts];
}

/**
 * Why a URL is refused, one message per reason. Every caller (subscribe, dispatch, redelivery,
 * resuming at start) shows this message inside its own sentence, never a text of its own.
 */
const refusalMessages = {
  'not-absolute-url': (url: string) => `"${url}" is not an absolute URL`,
  'unsupported-scheme': (scheme: string) => `scheme ${scheme} is not http or https`,
  'user-info': () => 'the URL carries user information before its host (user@host)',
  'non-canonical-host': (written: string, parsed: string) =>
    `host "${written}" is not written in canonical form (it parses as "${parsed}")`,
  'empty-label': (host: string) => `host "${host}" has an empty label`,
  'host-not-allowlisted': (host: string) => `host "${host}" matches no allowlisted pattern`,
} satisfies Record<string, (...facts: string[]) => string>;

type AllowlistRefusalReason = keyof typeof refusalMessages;

/**
 * The one answer the allowlist gives. Allowed: `url` is the URL to call, the parsed URL with the
 * host exactly as matched (lower case, no trailing dot); `localhost.` is a DNS name that skips the
 * hosts file, so calling the URL as written would reach another host than the one checked, or
 * none. Refused: a stable `reason` code and its `message`.
 */
type AllowlistVerdict =
  | { readonly allowed: true; readonly host: string; readonly url: string }
  | AllowlistRefusal;

export interface AllowlistRefusal {
  readonly allowed: false;
  readonly reason: AllowlistRefusalReason;
  readonly message: string;
}

function refuse<R extends AllowlistRefusalReason>(
  reason: R,
  ...facts: Parameters<(typeof refusalMessages)[R]>
): AllowlistRefusal {
  const message = (refusalMessages[reason] as (...facts: string[]) => string)(...facts);
  return { allowed: false, reason, message };
}

/**
 * The journal's `refused` text for a delivery not sent because the allowlist now refuses its URL
 * (a stricter allowlist than when the flow subscribed: docs/decisions/014).
 */
export function notSentReason(refusal: AllowlistRefusal): string {
  return `not sent: the flow URL is no longer allowlisted (${refusal.message}); unsubscribe the flow or allow its host`;
}

export interface HostAllowlist {
  readonly patterns: readonly string[];
  check(url: string): AllowlistVerdict;
}

/** The allowlist in force, one per emulator: a reset to another seed swaps its patterns in place. */
export interface AllowlistPolicy extends HostAllowlist {
  replace(patterns: readonly string[]): void;
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/**
 * The host exactly as the caller wrote it (after the last '@' of the authority, without the port).
 * WHATWG URL parsing turns 0x7f.1, 2130706433, %6c%6f... or full-width dots into a canonical
 * host; a spelling that needed such rewriting is refused rather than trusted.
 */
function rawAuthority(url: string): string | undefined {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd < 0) return undefined;
  return url.slice(schemeEnd + 3).split(/[/?#\\]/, 1)[0] ?? '';
}

function rawHost(authority: string): string | undefined {
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostAndPort.startsWith('[')) {
    const close = hostAndPort.indexOf(']');
    return close < 0 ? undefined : hostAndPort.slice(0, close + 1);
  }
  const colon = hostAndPort.indexOf(':');
  return colon < 0 ? hostAndPort : hostAndPort.slice(0, colon);
}

function matches(pattern: string, host: string): boolean {
  const normalised = normaliseHost(pattern);
  if (normalised.startsWith('*.')) {
    const suffix = normalised.slice(1); // ".logic.azure.com"
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return host === normalised;
}

/** Verdicts remembered per allowlist; past this many URLs the memory starts again. */
const maxRememberedVerdicts = 1_024;

export function createHostAllowlist(patterns: readonly string[]): HostAllowlist {
  const frozen = Object.freeze([...patterns]);
  // Every subscribe and every delivery asks about the same few flow URLs; the parse and the
  // canonical-form comparison were a visible share of both (bench: subscribe, deliveries).
  const remembered = new Map<string, AllowlistVerdict>();
  const judge = (url: string): AllowlistVerdict => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse('not-absolute-url', url);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      return refuse('unsupported-scheme', parsed.protocol);
    }
    const authority = rawAuthority(url);
    if (parsed.username !== '' || parsed.password !== '' || authority?.includes('@')) {
      return refuse('user-info');
    }
    const written = authority === undefined ? undefined : rawHost(authority);
    const host = normaliseHost(parsed.hostname);
    if (written === undefined || normaliseHost(written) !== host) {
      return refuse('non-canonical-host', written ?? '', parsed.hostname);
    }
    if (host.split('.').some((label) => label === '')) {
      return refuse('empty-label', host);
    }
    if (!frozen.some((pattern) => matches(pattern, host))) {
      return refuse('host-not-allowlisted', host);
    }
    parsed.hostname = host;
    return { allowed: true, host, url: parsed.href };
  };
  return {
    patterns: frozen,
    check(url: string): AllowlistVerdict {
      let verdict = remembered.get(url);
      if (!verdict) {
        verdict = Object.freeze(judge(url));
        if (remembered.size >= maxRememberedVerdicts) remembered.clear();
        remembered.set(url, verdict);
      }
      return verdict;
    },
  };
}

export function createAllowlistPolicy(patterns: readonly string[]): AllowlistPolicy {
  let current = createHostAllowlist(patterns);
  return {
    get patterns() {
      return current.patterns;
    },
    check: (url) => current.check(url),
    replace(next) {
      current = createHostAllowlist(next);
    },
  };
}
