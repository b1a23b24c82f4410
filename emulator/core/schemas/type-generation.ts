import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { packageRoot, schemasDir } from '../paths.js';

export const generatedTypesPath = join(packageRoot, 'emulator', 'generated', 'schema-types.ts');

const banner = `/* Generated from schemas/*.schema.json by \`npm run generate:types\`. Do not edit: change the schema. */`;

/** Validation-only profiles add constraints to a shape declared elsewhere; they declare no type of their own. */
const profileOnlySchemas = new Set(['appointment-data.emulator.schema.json']);

type SchemaNode = { [key: string]: unknown };

/**
 * Titles in the schemas are the labels Power Automate shows; as type names they would turn every
 * string property into an alias. Only `$defs` entries name types (by title or by key), and a `$ref`
 * keeps no siblings, so one definition gives one type.
 */
function prepareForTypes(node: unknown, definitionName?: string): unknown {
  if (Array.isArray(node)) return node.map((item) => prepareForTypes(item));
  if (node === null || typeof node !== 'object') return node;
  const source = node as SchemaNode;
  if (typeof source.$ref === 'string') return { $ref: source.$ref };
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'title') continue;
    if (key === '$defs' && value && typeof value === 'object') {
      out.$defs = Object.fromEntries(
        Object.entries(value as SchemaNode).map(([name, def]) => [name, prepareForTypes(def, name)]),
      );
    } else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as SchemaNode).map(([name, def]) => [name, prepareForTypes(def)]),
      );
    } else {
      out[key] = prepareForTypes(value);
    }
  }
  if (definitionName) out.title = (source.title as string | undefined) ?? definitionName;
  return out;
}

function readPreparedSchema(file: string): SchemaNode {
  const schema = JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as SchemaNode;
  const prepared = prepareForTypes(schema) as SchemaNode;
  prepared.title = schema.title;
  return prepared;
}

/**
 * One root schema that references every schema file, so each shape is declared once even when
 * files reference each other (control-api -> appointment-data).
 */
export async function renderSchemaTypes(): Promise<string> {
  const files = readdirSync(schemasDir)
    .filter((name) => name.endsWith('.schema.json') && !profileOnlySchemas.has(name))
    .sort();
  const root: JSONSchema = {
    title: 'SchemaFiles',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      files.map((file) => [file.replace('.schema.json', ''), { $ref: `./${file}` }]),
    ),
  };
  return compile(root, 'SchemaFiles', {
    cwd: schemasDir,
    bannerComment: banner,
    additionalProperties: false,
    unreachableDefinitions: true,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
    $refOptions: {
      resolve: {
        file: {
          read: (file: { url: string }) => JSON.stringify(readPreparedSchema(basename(file.url))),
        },
      },
    },
  });
}
