import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { schemasDir } from '../paths.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const schemaIdBase = 'https://bookings-emulator.dev/schemas/';

/** The `$id` of a schema file by its short name (`appointment-data`), optionally with a `#/$defs/...` pointer. */
export function schemaId(name: string, fragment = ''): string {
  return `${schemaIdBase}${name}.schema.json${fragment}`;
}

/** One problem found in a payload: data, not an exception (diagnostics as data). */
export interface SchemaViolation {
  /** JSON pointer of the offending value ('' for the root). */
  pointer: string;
  keyword: string;
  message: string;
}

/**
 * Every schema in schemas/ loaded once, by `$id`, into one ajv that judges rather than repairs:
 * no coercion, no defaults, no stripping, all errors. Compiled validators are cached per reference.
 */
export class SchemaRegistry {
  readonly names: readonly string[];
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(directory = schemasDir) {
    this.ajv = new Ajv2020({
      allErrors: true,
      // parentSchema in errors: a failed pattern is explained by its schema's description.
      verbose: true,
      strict: true,
      strictTypes: false,
      strictRequired: false,
      coerceTypes: false,
      useDefaults: false,
      removeAdditional: false,
    });
    addFormats(this.ajv);
    const files = readdirSync(directory)
      .filter((file) => file.endsWith('.schema.json'))
      .sort();
    for (const file of files) this.ajv.addSchema(JSON.parse(readFileSync(join(directory, file), 'utf8')));
    this.names = files.map((file) => file.replace('.schema.json', ''));
  }

  /** A compiled validator for a schema `$id` (with optional fragment) or an inline schema object. */
  validator(schema: string | object): ValidateFunction {
    if (typeof schema !== 'string') return this.ajv.compile(schema);
    let validate = this.cache.get(schema);
    if (!validate) {
      validate = this.ajv.getSchema(schema) ?? this.ajv.compile({ $ref: schema });
      this.cache.set(schema, validate);
    }
    return validate;
  }

  /** Validates `data` against a schema `$id`; an empty list means valid. */
  check(ref: string, data: unknown): SchemaViolation[] {
    const validate = this.validator(ref);
    return validate(data) ? [] : toViolations(validate.errors ?? []);
  }
}

/** ajv errors as violations whose pointer names the exact property (missing or unknown ones included). */
export function toViolations(errors: readonly ErrorObject[]): SchemaViolation[] {
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  for (const error of errors) {
    // if/then/else and allOf wrappers repeat what their branches already said.
    if (error.keyword === 'if' || error.keyword === 'allOf') continue;
    const violation = describe(error);
    const key = `${violation.pointer}\u0000${violation.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(violation);
  }
  return out;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}

function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function describe(error: ErrorObject): SchemaViolation {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        pointer: `${error.instancePath}/${escapePointerToken(String(params.missingProperty))}`,
        keyword: 'required',
        message: `is required but missing`,
      };
    case 'additionalProperties':
      return {
        pointer: `${error.instancePath}/${escapePointerToken(String(params.additionalProperty))}`,
        keyword: 'additionalProperties',
        message: 'is not a property of this object (check its spelling and casing)',
      };
    case 'false schema':
      return { pointer: error.instancePath, keyword: 'false schema', message: 'must be absent here' };
    case 'enum':
      return {
        pointer: error.instancePath,
        keyword: 'enum',
        message: `must be one of ${JSON.stringify(params.allowedValues)}`,
      };
    case 'pattern': {
      const description = (error.parentSchema as { description?: string } | undefined)?.description;
      return {
        pointer: error.instancePath,
        keyword: 'pattern',
        message: description ? `must be ${lowerFirst(description)}` : (error.message ?? 'is invalid'),
      };
    }
    default:
      return { pointer: error.instancePath, keyword: error.keyword, message: error.message ?? 'is invalid' };
  }
}

let shared: SchemaRegistry | undefined;

/** The schemas are read-only files, so one compiled registry serves every app in the process. */
export function getSchemaRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}
