import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config-error.js';
import { formatDiagnostic } from '../core/source.js';
import { allowedValues, policyDefaults, policyNames } from '../domain/policies.js';
import { matrixLimit, policyVariants } from '../domain/policy-variants.js';
import type { Policies } from '../generated/schema-types.js';
import { bufferedScenario, useScenarioFolder } from '../testing/scenario-files.js';
import { type LoadedScenario, loadScenarioFile } from './load.js';
import { planMatrix, runVariant, scenarioVariants, variantCount } from './matrix.js';

const scenarioFolder = useScenarioFolder('bookings-matrix-');

function load(text: string): LoadedScenario {
  const result = loadScenarioFile(scenarioFolder.write(text));
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.loaded;
}

const names = (variants: { name: string }[]) => variants.map((variant) => variant.name);

describe('scenarioVariants', () => {
  it('without a base, are exactly policyVariants (one policy changed at a time, or all)', () => {
    expect(scenarioVariants({})).toEqual(policyVariants());
    const pinned: Policies = { 'time-format': 'iso', 'self-service-id': 'fresh', 'join-url-suffix': 'on' };
    expect(scenarioVariants(pinned)).toEqual(policyVariants({ pinned }));
    const fewer: Policies = {
      ...pinned,
      'cancel-reason-missing-1on1': 'on',
      'choice-answer-missing': 'on',
      'graph-query-options': 'supported',
      'graph-time-zones': 'windows-and-iana',
      'graph-required-answers': 'enforce',
      'graph-outside-business-hours': 'accept',
      'graph-staff-busy': 'accept',
    };
    expect(variantCount(fewer, true)).toBeLessThanOrEqual(matrixLimit);
    expect(scenarioVariants(fewer, { all: true })).toEqual(policyVariants({ pinned: fewer, all: true }));
  });

  it('never vary a pinned policy', () => {
    const variants = scenarioVariants({ 'duration-unit': 'seconds' });
    expect(variants.every((variant) => variant.policies['duration-unit'] === undefined)).toBe(true);
    expect(names(variants)).not.toContain('duration-unit=minutes');
    expect(names(variants)).toContain('buffers-in-times=off');
  });

  it('with a base, start from it and change one policy away from it, its own policies included', () => {
    const variants = scenarioVariants({}, { base: { 'duration-unit': 'minutes' } });
    expect(variants[0]).toEqual({ name: 'duration-unit=minutes', policies: { 'duration-unit': 'minutes' } });
    // Changing duration-unit back gives the defaults; every other change keeps the base.
    expect(variants[1]).toEqual({ name: 'defaults', policies: {} });
    expect(variants[2]).toEqual({
      name: 'duration-unit=minutes,buffers-in-times=off',
      policies: { 'duration-unit': 'minutes', 'buffers-in-times': 'off' },
    });
    expect(variants).toHaveLength(scenarioVariants({}).length);
    expect(new Set(names(variants)).size).toBe(variants.length);
  });

  it('with a base and all, hold the same combinations, the base first', () => {
    const pinned = Object.fromEntries(
      policyNames
        .filter((name) => name !== 'duration-unit' && name !== 'time-format')
        .map((name) => [name, policyDefaults[name]]),
    ) as Policies;
    const variants = scenarioVariants(pinned, { all: true, base: { 'time-format': 'iso' } });
    expect(variants[0]?.name).toBe('time-format=iso');
    expect(names(variants).sort()).toEqual(names(policyVariants({ pinned, all: true })).sort());
  });

  it('a base setting a pinned policy does not name it: the pin wins', () => {
    const variants = scenarioVariants(
      { 'duration-unit': 'seconds' },
      { base: { 'duration-unit': 'minutes' } },
    );
    expect(variants[0]).toEqual({ name: 'defaults', policies: {} });
  });
});

describe('variantCount', () => {
  it('counts what scenarioVariants makes, without making the combinations', () => {
    expect(variantCount({})).toBe(scenarioVariants({}).length);
    const product = policyNames.reduce((total, name) => total * allowedValues(name).length, 1);
    expect(variantCount({}, true)).toBe(product);
    expect(product).toBeGreaterThan(matrixLimit);
  });
});

describe('planMatrix', () => {
  it('lists the runs scenario by scenario, each scenario with its own pins', () => {
    const free = load(bufferedScenario());
    const pinned = load(bufferedScenario(['policies: { duration-unit: seconds }']));
    const runs = planMatrix([free, pinned]);
    expect(runs).toHaveLength(variantCount({}) + variantCount({ 'duration-unit': 'seconds' }));
    expect(runs[0]).toMatchObject({ scenario: free, variant: { name: 'defaults' } });
    const ofPinned = runs.filter((run) => run.scenario === pinned).map((run) => run.variant.name);
    expect(ofPinned[0]).toBe('defaults');
    expect(ofPinned).not.toContain('duration-unit=minutes');
  });

  it('counts older quirks: pins as pins', () => {
    const quirky = load(bufferedScenario(['quirks: { update-fires-on-create: true }']));
    const variants = planMatrix([quirky]).map((run) => run.variant.name);
    expect(variants).not.toContain('update-fires-on-create=on');
    expect(variants).toHaveLength(variantCount({}) - 1);
  });

  it(`refuses more than ${matrixLimit} runs in all, saying how to narrow it`, () => {
    const scenario = load(bufferedScenario());
    const perScenario = variantCount({});
    const fits = Math.floor(matrixLimit / perScenario);
    expect(planMatrix(Array(fits).fill(scenario))).toHaveLength(fits * perScenario);
    expect(() => planMatrix(Array(fits + 1).fill(scenario))).toThrow(ConfigError);
    expect(() => planMatrix(Array(fits + 1).fill(scenario))).toThrow(
      `--matrix would make ${(fits + 1) * perScenario} runs (${fits + 1} scenarios × ${perScenario} policy variants), more than the limit of ${matrixLimit}: pin the policies`,
    );
    expect(() => planMatrix([scenario], { all: true })).toThrow(
      new RegExp(
        `^--matrix all would make ${variantCount({}, true)} runs .*top-level policies:.*--matrix without all`,
      ),
    );
  });
});

describe('runVariant', () => {
  it('runs a scenario under its variant, which replaces the run policies, and names the variant', async () => {
    const scenario = load(bufferedScenario());
    const results = [];
    for (const run of planMatrix([scenario]))
      results.push(await runVariant(run, { policies: { 'duration-unit': 'minutes' } }));
    const failed = results.filter((result) => result.status !== 'passed');
    expect(results[0]).toMatchObject({ name: 'buffered', variant: 'defaults', status: 'passed' });
    expect(Object.keys(results[0] ?? {}).slice(0, 3)).toEqual(['name', 'file', 'variant']);
    expect(failed.map((result) => result.variant)).toEqual(['duration-unit=minutes', 'buffers-in-times=off']);
    expect(failed.map((result) => result.failures[0]?.diffs)).toEqual([
      [{ path: '/Duration', expected: 2400, actual: 40, problem: 'different' }],
      [{ path: '/Duration', expected: 2400, actual: 1800, problem: 'different' }],
    ]);
  });
});
