import { ConfigError } from '../core/config-error.js';
import { allowedValues, policyDefaults, policyNames } from '../domain/policies.js';
import { matrixLimit, type PolicyVariant, policyVariants } from '../domain/policy-variants.js';
import type { Policies, PolicyName } from '../generated/schema-types.js';
import type { LoadedScenario } from './load.js';
import type { ScenarioResult } from './results.js';
import { pinnedPolicies, type RunOptions, runScenario } from './runner.js';

export interface MatrixOptions {
  /** Every combination of the policies a scenario leaves free, not one policy changed at a time. */
  all?: boolean;
  /**
   * Where the variants start (--policy): the first run of each scenario uses it, and each other
   * variant changes one policy away from it, the base's own policies included.
   */
  base?: Policies;
}

/** One run of a matrix: a scenario under one policy variant. */
export interface MatrixRun {
  scenario: LoadedScenario;
  variant: PolicyVariant;
}

type Settings = Partial<Record<PolicyName, string>>;

function freePolicies(pinned: Policies): PolicyName[] {
  return policyNames.filter((name) => pinned[name] === undefined);
}

/** Named as policyVariants names them: what differs from the defaults, in catalogue order. */
function toVariant(settings: Settings): PolicyVariant {
  const changes = policyNames.flatMap((name): [PolicyName, string][] => {
    const value = settings[name];
    return value === undefined || value === policyDefaults[name] ? [] : [[name, value]];
  });
  return {
    name: changes.length === 0 ? 'defaults' : changes.map(([name, value]) => `${name}=${value}`).join(','),
    policies: Object.fromEntries(changes),
  };
}

/** How many variants a scenario pinning `pinned` gets, without making them. */
export function variantCount(pinned: Policies, all = false): number {
  const sizes = freePolicies(pinned).map((name) => allowedValues(name).length);
  return all
    ? sizes.reduce((product, size) => product * size, 1)
    : sizes.reduce((sum, size) => sum + size - 1, 1);
}

/**
 * The variants of a scenario that pins `pinned`: the base first (the defaults when there is none),
 * then the others. Without a base they are exactly policyVariants({ pinned, all }).
 */
export function scenarioVariants(pinned: Policies, options: MatrixOptions = {}): PolicyVariant[] {
  const free = freePolicies(pinned);
  const start: Settings = Object.fromEntries(
    free.map((name) => [name, options.base?.[name] ?? policyDefaults[name]]),
  );
  const first = toVariant(start);
  if (options.all) {
    const others = policyVariants({ pinned, all: true }).filter((variant) => variant.name !== first.name);
    return [first, ...others];
  }
  const changed = free.flatMap((name) =>
    allowedValues(name)
      .filter((value) => value !== start[name])
      .map((value) => toVariant({ ...start, [name]: value })),
  );
  return [first, ...changed];
}

function limitMessage(counts: readonly number[], all: boolean): string {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const scenarios = `${counts.length} scenario${counts.length === 1 ? '' : 's'}`;
  const shape = counts.every((count) => count === counts[0])
    ? `${scenarios} × ${counts[0]} policy variants`
    : `${scenarios} with their policy variants`;
  const narrowing = all
    ? 'pin the policies your flows rely on in the scenarios (top-level policies:), use --matrix without all to change one policy at a time, or run fewer scenarios at once'
    : 'pin the policies your flows rely on in the scenarios (top-level policies:), or run fewer scenarios at once';
  return `--matrix${all ? ' all' : ''} would make ${total} runs (${shape}), more than the limit of ${matrixLimit}: ${narrowing}.`;
}

/** Every run of the matrix, scenario by scenario; throws ConfigError past matrixLimit runs in all. */
export function planMatrix(scenarios: readonly LoadedScenario[], options: MatrixOptions = {}): MatrixRun[] {
  const all = options.all ?? false;
  const pins = scenarios.map((loaded) => pinnedPolicies(loaded.scenario));
  const counts = pins.map((pinned) => variantCount(pinned, all));
  if (counts.reduce((sum, count) => sum + count, 0) > matrixLimit)
    throw new ConfigError(limitMessage(counts, all));
  return scenarios.flatMap((scenario, index) =>
    scenarioVariants(pins[index] ?? {}, options).map((variant) => ({ scenario, variant })),
  );
}

/** Runs one scenario under its variant, which replaces the run's own policies (the base is in it). */
export async function runVariant(run: MatrixRun, options: RunOptions = {}): Promise<ScenarioResult> {
  const { variant } = run;
  const result = await runScenario(run.scenario, { ...options, policies: variant.policies });
  const { name, file, ...outcome } = result;
  return { name, file, variant: variant.name, ...outcome };
}
