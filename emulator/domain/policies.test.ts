import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasCurrentPolicyTable, policyDocuments } from '../cli/policy-docs.js';
import { ConfigError } from '../core/config-error.js';
import { loadSchemaDocument } from '../core/schemas/documents.js';
import {
  allowedValues,
  checkPolicies,
  parsePolicySetting,
  policiesFromQuirks,
  policyDefaults,
  policyNames,
  policyTable,
  quirkNames,
  quirksOf,
} from './policies.js';
import { matrixLimit, policyVariants } from './policy-variants.js';

const schemaPolicies = loadSchemaDocument('control-api').$defs.Policies as {
  properties: Record<string, { enum: string[] }>;
};

describe('the policy catalogue', () => {
  it('has exactly the policies and values of the schema, each default among them', () => {
    expect(policyNames).toEqual(Object.keys(schemaPolicies.properties));
    for (const name of policyNames) {
      expect([...allowedValues(name)].sort()).toEqual(
        [...(schemaPolicies.properties[name]?.enum ?? [])].sort(),
      );
      expect(allowedValues(name)).toContain(policyDefaults[name]);
    }
  });

  it('follows the real run for the values it establishes', () => {
    expect(policyDefaults).toMatchObject({
      'duration-unit': 'seconds',
      'buffers-in-times': 'on',
      'time-format': 'invariant',
      'join-url-suffix': 'on',
      'self-service-id': 'fresh',
      'cancel-reason-missing-1on1': 'on',
      'customer-notes-missing-1on1': 'off',
      'choice-answer-missing': 'on',
      'update-fires-on-create': 'off',
      'reschedule-new-id': 'off',
    });
  });

  it('gives every value evidence with a source tag and a strength', () => {
    for (const policy of policyTable().policies) {
      expect(policy.advice.length).toBeGreaterThan(20);
      for (const value of policy.values) {
        expect(value.source).toMatch(/^(none|(\[[A-G]\])+)$/);
        expect(['strong', 'medium', 'weak', 'none']).toContain(value.strength);
        if (value.source === 'none') expect(value.strength).toBe('none');
      }
    }
  });

  it('shows the values in force beside the defaults', () => {
    const table = policyTable({ ...policyDefaults, 'duration-unit': 'minutes' });
    const duration = table.policies.find((policy) => policy.name === 'duration-unit');
    expect(duration).toMatchObject({ default: 'seconds', value: 'minutes' });
  });
});

describe('policy settings', () => {
  it('parses NAME=VALUE, and true/false for on/off policies', () => {
    expect(parsePolicySetting('duration-unit=minutes')).toEqual(['duration-unit', 'minutes']);
    expect(parsePolicySetting('update-fires-on-create=true', '--quirk')).toEqual([
      'update-fires-on-create',
      'on',
    ]);
    expect(parsePolicySetting(' time-format = ISO ')).toEqual(['time-format', 'iso']);
  });

  it('refuses unknown names and values, listing what is allowed', () => {
    expect(() => parsePolicySetting('duration-units=seconds')).toThrow(
      /Unknown policy "duration-units"\. Policies: duration-unit, buffers-in-times/,
    );
    expect(() => parsePolicySetting('duration-unit=hours')).toThrow(
      'Policy duration-unit takes seconds | minutes, got "hours".',
    );
    expect(() => parsePolicySetting('time-format=true')).toThrow(/takes invariant \| exchange \| iso/);
    expect(() => parsePolicySetting('duration-unit')).toThrow(ConfigError);
    expect(() => checkPolicies({ 'self-service-id': 'guid' })).toThrow(/takes fresh \| zero \| id/);
    expect(() => checkPolicies({ 'join-url-suffix': true })).toThrow(/takes on \| off, got true/);
  });

  it('maps the quirk booleans of older callers onto the quirk policies and back', () => {
    expect(policiesFromQuirks({ 'update-fires-on-create': true, 'choice-answer-missing': false })).toEqual({
      'update-fires-on-create': 'on',
      'choice-answer-missing': 'off',
    });
    expect(Object.keys(quirksOf(policyDefaults))).toEqual([...quirkNames]);
    expect(quirksOf({ ...policyDefaults, 'reschedule-new-id': 'on' })['reschedule-new-id']).toBe(true);
    expect(() => policiesFromQuirks({ 'duration-unit': true } as never)).toThrow(/Unknown quirk/);
  });
});

describe('matrix variants', () => {
  it('starts with the defaults, then changes one policy at a time to each other value', () => {
    const variants = policyVariants();
    const others = policyNames.reduce((sum, name) => sum + allowedValues(name).length - 1, 0);
    expect(variants).toHaveLength(1 + others);
    expect(variants[0]).toEqual({ name: 'defaults', policies: {} });
    expect(variants.map((variant) => variant.name)).toContain('duration-unit=minutes');
    expect(variants.map((variant) => variant.name)).toContain('time-format=exchange');
    for (const variant of variants.slice(1)) expect(Object.keys(variant.policies)).toHaveLength(1);
  });

  it('never varies a pinned policy', () => {
    const names = policyVariants({ pinned: { 'duration-unit': 'seconds' } }).map((variant) => variant.name);
    expect(names.some((name) => name.startsWith('duration-unit'))).toBe(false);
  });

  it('makes the full product with all, and refuses it past the limit', () => {
    expect(() => policyVariants({ all: true })).toThrow(new RegExp(`limit is ${matrixLimit}`));
    const pinned = Object.fromEntries(
      policyNames
        .filter((name) => name !== 'duration-unit' && name !== 'time-format')
        .map((n) => [n, policyDefaults[n]]),
    );
    const variants = policyVariants({ pinned, all: true });
    expect(variants).toHaveLength(6);
    expect(new Set(variants.map((variant) => variant.name)).size).toBe(6);
    expect(variants.map((variant) => variant.name)).toContain('duration-unit=minutes,time-format=iso');
  });
});

describe('the fidelity tables in the docs', () => {
  it.each(policyDocuments)('$path says what the catalogue says', ({ path, render }) => {
    expect(hasCurrentPolicyTable(readFileSync(path, 'utf8'), path, render), 'run npm run docs:policies').toBe(
      true,
    );
  });
});
