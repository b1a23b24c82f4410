import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedTypesPath, renderSchemaTypes } from './type-generation.js';

describe('generated types', () => {
  it('match the schemas (run `npm run generate:types` after changing a schema)', async () => {
    const committed = readFileSync(generatedTypesPath, 'utf8');
    expect(await renderSchemaTypes()).toBe(committed);
  });
});
