import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemasDir } from '../paths.js';

const documents = new Map<string, { $defs: Record<string, unknown> }>();

/** A schema file's JSON, read once: for generators and for code that needs a definition's values. */
export function loadSchemaDocument(name: string): { $defs: Record<string, unknown> } {
  let document = documents.get(name);
  if (!document) {
    document = JSON.parse(readFileSync(join(schemasDir, `${name}.schema.json`), 'utf8')) as {
      $defs: Record<string, unknown>;
    };
    documents.set(name, document);
  }
  return document;
}
