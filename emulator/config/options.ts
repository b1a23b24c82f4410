import { ConfigError } from '../core/config-error.js';
import { defaultRetryPolicyName, type RetryPolicy, resolveRetryPolicy } from '../delivery/retry-policy.js';
import { type AllowlistProfile, profileAllowlist } from '../domain/allowlist.js';
import {
  checkPolicies,
  type PolicySettings,
  policiesFromQuirks,
  policyDefaults,
} from '../domain/policies.js';
import type { Policies, Quirks, Seed } from '../generated/schema-types.js';
import { loadBuiltInSeed, loadSeedFile, validateSeed } from './seed-loader.js';

/** What a caller may set; everything has a default. The CLI flags map onto these one to one. */
export interface EmulatorOptions {
  /** A seed object, or the path of a YAML/JSON seed file. Default: the built-in demo seed. */
  seed?: Seed | string;
  /** Keep subscriptions, appointments and the delivery journal in SQLite here; in memory when absent. */
  dataDir?: string;
  profile?: AllowlistProfile;
  /** Policy settings by name (`bookings-emulator policies` lists them); the rest keep their defaults. */
  policies?: Policies;
  /** The quirk policies as booleans, as older callers set them; `policies` wins where both name one. */
  quirks?: Quirks;
  /** `none`, `logic-apps` (default), `graph`, or delays such as `1s,5s,30s`. */
  retryPolicy?: string;
  /** Flows allowed per mailbox; 5 in the real service. */
  webhookLimit?: number;
  /** Per-attempt delivery timeout. */
  deliveryTimeoutMs?: number;
  /** `real` (default) or a virtual clock starting at the given ISO instant (or now). */
  clock?: 'real' | { virtualStart?: string };
  /** Seeds the id generator so runs repeat exactly; random ids when absent. */
  idSeed?: number;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes?: number;
  /** Delivery attempts on the wire at once to one receiver origin; default 8. */
  perOriginConcurrency?: number;
  /** Deliveries waiting or retrying at once; past it new ones are refused and journaled as failed. Default 10000. */
  maxPendingDeliveries?: number;
  /**
   * Keep at most this many deliveries in the journal (the oldest settled ones go first; pending and
   * retrying ones are never removed) and this many messages in each built-in inbox (the newest).
   * Absent: keep everything.
   */
  retainDeliveries?: number;
  /** pino level for the app's own log, or false for none. */
  logLevel?: false | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /**
   * When set, every /_emulator/ route but health and the inbox's POST asks for it in the
   * X-Emulator-Control-Token header (decision 011). The trigger API and Graph actions are unaffected.
   */
  controlToken?: string;
}

export interface ResolvedConfig {
  readonly seed: Seed;
  readonly dataDir: string | undefined;
  readonly profile: AllowlistProfile;
  readonly allowlist: readonly string[];
  readonly policies: PolicySettings;
  readonly retryPolicy: RetryPolicy;
  readonly webhookLimit: number;
  readonly deliveryTimeoutMs: number;
  readonly clock: { mode: 'real' } | { mode: 'virtual'; startMs: number };
  readonly idSeed: number | undefined;
  readonly bodyLimitBytes: number;
  readonly perOriginConcurrency: number;
  readonly maxPendingDeliveries: number;
  /** Undefined: the journal and the inboxes keep everything. */
  readonly retainDeliveries: number | undefined;
  readonly logLevel: EmulatorOptions['logLevel'];
  readonly controlToken: string | undefined;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`${name} must be a whole number of at least 1, got ${value}.`);
  return value;
}

/** A header value: visible ASCII, no spaces, so it survives every HTTP client and shell. */
function controlToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{8,512}$/.test(value))
    throw new ConfigError(
      'The control token must be 8 to 512 visible ASCII characters with no spaces (it travels in the X-Emulator-Control-Token header).',
    );
  return value;
}

/** Options resolved once: defaults, then the seed, then what the caller set; validated and frozen. */
export function resolveConfig(options: EmulatorOptions = {}): ResolvedConfig {
  const seed =
    options.seed === undefined
      ? loadBuiltInSeed()
      : typeof options.seed === 'string'
        ? loadSeedFile(options.seed)
        : validateSeed(options.seed, 'the seed object');
  const profile = options.profile ?? 'default';
  if (profile !== 'default' && profile !== 'strict') {
    throw new ConfigError(`profile must be "default" or "strict", got "${String(profile)}".`);
  }
  let clock: ResolvedConfig['clock'] = { mode: 'real' };
  if (options.clock !== undefined && options.clock !== 'real') {
    const start =
      options.clock.virtualStart === undefined ? Date.now() : Date.parse(options.clock.virtualStart);
    if (Number.isNaN(start))
      throw new ConfigError(
        `clock.virtualStart must be an ISO 8601 instant, got "${options.clock.virtualStart}".`,
      );
    clock = { mode: 'virtual', startMs: start };
  }
  const policies = Object.freeze({
    ...policyDefaults,
    ...policiesFromQuirks(options.quirks ?? {}),
    ...checkPolicies(options.policies ?? {}),
  });
  let retryPolicy: RetryPolicy;
  try {
    retryPolicy = resolveRetryPolicy(options.retryPolicy ?? defaultRetryPolicyName);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return Object.freeze({
    seed,
    dataDir: options.dataDir,
    profile,
    allowlist: Object.freeze(seed.allowlist ?? profileAllowlist(profile)),
    policies,
    retryPolicy,
    webhookLimit: positiveInteger(options.webhookLimit ?? 5, 'webhookLimit'),
    deliveryTimeoutMs: positiveInteger(options.deliveryTimeoutMs ?? 10_000, 'deliveryTimeoutMs'),
    clock,
    idSeed: options.idSeed,
    bodyLimitBytes: positiveInteger(options.bodyLimitBytes ?? 1024 * 1024, 'bodyLimitBytes'),
    perOriginConcurrency: positiveInteger(options.perOriginConcurrency ?? 8, 'perOriginConcurrency'),
    maxPendingDeliveries: positiveInteger(options.maxPendingDeliveries ?? 10_000, 'maxPendingDeliveries'),
    retainDeliveries:
      options.retainDeliveries === undefined
        ? undefined
        : positiveInteger(options.retainDeliveries, 'retainDeliveries'),
    logLevel: options.logLevel ?? false,
    controlToken: controlToken(options.controlToken),
  });
}
