/**
 * Rewrites the policy tables in docs/policies.md and README.md from emulator/domain/policies.ts,
 * then lets Biome align it. `--check` exits 1 when either is stale (a test runs the same check).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hasCurrentPolicyTable, policyDocuments, withPolicyTable } from '../emulator/cli/policy-docs.js';

const check = process.argv.includes('--check');
const stale = policyDocuments.filter(
  ({ path, render }) => !hasCurrentPolicyTable(readFileSync(path, 'utf8'), path, render),
);
for (const { path, render } of stale) {
  console.log(`${check ? 'stale' : 'wrote'}: ${path}`);
  if (!check) writeFileSync(path, withPolicyTable(readFileSync(path, 'utf8'), path, render));
}
if (check && stale.length > 0) process.exit(1);
if (!check && stale.length > 0)
  execFileSync('npx', ['biome', 'format', '--write', ...stale.map(({ path }) => path)], { stdio: 'inherit' });
