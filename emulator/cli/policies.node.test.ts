import { describe, expect, it } from 'vitest';
import { policyNames } from '../domain/policies.js';
import type { PolicyTable } from '../generated/schema-types.js';
import { runCli } from '../testing/cli.js';

describe('bookings-emulator policies', () => {
  it('prints every policy with its values, evidence, default and advice', async () => {
    const result = await runCli(['policies']);
    expect(result.code, result.stderr).toBe(0);
    for (const name of policyNames) expect(result.stdout).toContain(`${name} (`);
    expect(result.stdout).toMatch(/\* seconds +whole seconds .*\[\[F\], strong\] \(default, in force\)/);
    expect(result.stdout).toContain('advice: Treat Duration as seconds.');
  });

  it('--json prints the table GET /_emulator/policies answers, and --policy marks the values in force', async () => {
    const result = await runCli(['policies', '--json', '--policy', 'time-format=exchange']);
    expect(result.code, result.stderr).toBe(0);
    const table = JSON.parse(result.stdout) as PolicyTable;
    expect(table.policies.map((policy) => policy.name)).toEqual(policyNames);
    expect(table.policies.find((policy) => policy.name === 'time-format')).toMatchObject({
      default: 'invariant',
      value: 'exchange',
    });
  });

  it('exits 2 on an unknown policy or value, listing the allowed ones', async () => {
    const unknown = await runCli(['policies', '--policy', 'duration=seconds']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown policy "duration". Policies: duration-unit,');
    const badValue = await runCli(['policies', '--policy', 'self-service-id=guid']);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('Policy self-service-id takes fresh | zero | id, got "guid".');
  });
});
