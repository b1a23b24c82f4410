import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../emulator/paths.js';
import { getSchemaRegistry, schemaId } from '../emulator/schemas/registry.js';

const capturedDir = join(packageRoot, 'fixtures', 'captured');
const files = readdirSync(capturedDir)
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('captured payloads (fixtures/captured)', () => {
  it('has examples to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s validates against the connector schema', (file) => {
    const payload = JSON.parse(readFileSync(join(capturedDir, file), 'utf8'));
    expect(getSchemaRegistry().check(schemaId('appointment-data'), payload)).toEqual([]);
  });

  it('says where each example comes from (SOURCES.md names every file)', () => {
    const sources = readFileSync(join(capturedDir, 'SOURCES.md'), 'utf8');
    for (const file of files) expect(sources, file).toContain(`\`${file}\``);
  });
});
