/**
 * Generates emulator/generated/schema-types.ts from schemas/*.schema.json.
 * `--check` exits 1 when the committed file is stale (a test runs the same comparison).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { generatedTypesPath, renderSchemaTypes } from '../emulator/core/schemas/type-generation.js';

const rendered = await renderSchemaTypes();
if (process.argv.includes('--check')) {
  const current = readFileSync(generatedTypesPath, 'utf8');
  if (current !== rendered) {
    console.error(`${generatedTypesPath} is stale: run npm run generate:types`);
    process.exit(1);
  }
  console.log('generated types are up to date');
} else {
  writeFileSync(generatedTypesPath, rendered);
  console.log(`wrote ${generatedTypesPath}`);
}
