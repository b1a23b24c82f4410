import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorDefinitions } from './errors.js';
import { packageRoot, schemasDir } from './paths.js';

const schemaCodes: string[] = JSON.parse(readFileSync(join(schemasDir, 'error.schema.json'), 'utf8')).$defs
  .ErrorCode.enum;

describe('error registry', () => {
  it('lists exactly the codes of schemas/error.schema.json', () => {
    expect(Object.keys(errorDefinitions).sort()).toEqual([...schemaCodes].sort());
  });

  it('keeps the contract statuses of docs/contract.md (Rules)', () => {
    expect(errorDefinitions.Unauthenticated.status).toBe(401);
    expect(errorDefinitions.NotBookingsAdministrator.status).toBe(403);
    expect(errorDefinitions.NotificationUrlNotAllowlisted.status).toBe(403);
    expect(errorDefinitions.WebhookLimitExceeded.status).toBe(429);
    expect(errorDefinitions.InternalServerError.status).toBe(500);
  });

  it('is documented: every code appears in the error table of docs/hardening.md', () => {
    const table = readFileSync(join(packageRoot, 'docs', 'hardening.md'), 'utf8');
    for (const code of schemaCodes) expect(table, code).toMatch(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
  });
});
