import { ConfigError } from '../core/config-error.js';
import type { Policies, PolicyName } from '../generated/schema-types.js';
import { allowedValues, policyDefaults, policyNames } from './policies.js';

/**
 * The runs `run --matrix` makes: the defaults first, then one variant per other value of each
 * policy not pinned (one policy changed at a time), or with `all` every combination.
 */
export interface PolicyVariant {
  /** `defaults`, or the changed settings as NAME=VALUE joined by commas. */
  name: string;
  /** Only what differs from the defaults. */
  policies: Policies;
}

export const matrixLimit = 256;

export function policyVariants(options: { pinned?: Policies; all?: boolean } = {}): PolicyVariant[] {
  const pinned = options.pinned ?? {};
  const free = policyNames.filter((name) => pinned[name] === undefined);
  const label = (changes: [PolicyName, string][]) =>
    changes.length === 0 ? 'defaults' : changes.map(([name, value]) => `${name}=${value}`).join(',');
  const toVariant = (changes: [PolicyName, string][]): PolicyVariant => ({
    name: label(changes),
    policies: Object.fromEntries(changes),
  });
  if (!options.all) {
    const variants = [toVariant([])];
    for (const name of free) {
      for (const value of allowedValues(name)) {
        if (value !== policyDefaults[name]) variants.push(toVariant([[name, value]]));
      }
    }
    return variants;
  }
  const count = free.reduce((product, name) => product * allowedValues(name).length, 1);
  if (count > matrixLimit) {
    throw new ConfigError(
      `--matrix all would make ${count} runs of each scenario (the limit is ${matrixLimit}): pin some policies in the scenario (policies:) or use --matrix without all.`,
    );
  }
  let combos: [PolicyName, string][][] = [[]];
  for (const name of free) {
    combos = combos.flatMap((combo) =>
      allowedValues(name).map((value): [PolicyName, string][] =>
        value === policyDefaults[name] ? combo : [...combo, [name, value]],
      ),
    );
  }
  return combos.map(toVariant);
}
