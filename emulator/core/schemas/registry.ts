import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';
import { schemasDir } from '../paths.js';

// ajv and its formats load on the first validation, not at start (decision 015): a fifth of
// `start`'s time to healthy went to loading them and adding every schema file.
const require = createRequire(import.meta.url);

const schemaIdBase = 'https://bookings-emulator.dev/schemas/';

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
  /** What the schema wants there, in a few words. */
  expected: string;
  /** What is there, shortened: JSON text, or "(missing)". */
  found: string;
}

const noViolations: readonly SchemaViolation[] = Object.freeze([]);

/**
 * Every schema in schemas/ loaded once, by `$id`, into one ajv that judges rather than repairs:
 * no coercion, no defaults, no stripping, all errors. Compiled validators are cached per reference.
 */
export class SchemaRegistry {
  readonly names: readonly string[];
  private loaded: Ajv2020 | undefined;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly directory = schemasDir) {
    this.names = this.files().map((file) => file.replace('.schema.json', ''));
  }

  private files(): string[] {
    return readdirSync(this.directory)
      .filter((file) => file.endsWith('.schema.json'))
      .sort();
  }

  private get ajv(): Ajv2020 {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private load(): Ajv2020 {
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const addFormats = require('ajv-formats') as typeof addFormatsModule.default;
    const ajv = new Ajv2020({
      allErrors: true,
      // parentSchema in errors: a failed pattern is explained by its schema's description.
      verbose: true,
      strict: true,
      strictTypes: false,
      strictRequired: false,
      coerceTypes: false,
      useDefaults: false,
      removeAdditional: false,
      // Checking each schema against the 2020-12 meta-schema compiles that meta-schema first, a
      // tenth of start-up; registry.test.ts does that check once for every schema file instead.
      validateSchema: false,
    });
    addFormats(ajv);
    for (const file of this.files())
      ajv.addSchema(JSON.parse(readFileSync(join(this.directory, file), 'utf8')));
    return ajv;
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
  check(ref: string, data: unknown): readonly SchemaViolation[] {
    const validate = this.validator(ref);
    // The valid case is the hot one (every payload is checked before it is sent): no allocation.
    return validate(data) ? noViolations : toViolations(validate.errors ?? []);
  }
}

/**
 * A validator that compiles on its first call. Compiling every route's schema up front was most of
 * `start`'s time to healthy, and a short CI run reaches few routes.
 */
export function compileOnFirstUse(compile: () => ValidateFunction): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    compiled ??= compile();
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  }) as ValidateFunction;
  return validate;
}

/** ajv errors as violations whose pointer names the exact property (missing or unknown ones included). */
export function toViolations(errors: readonly ErrorObject[]): SchemaViolation[] {
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  // A oneOf/anyOf fails with the errors of every branch. The branch whose type did not even match
  // says nothing useful ("must be string" for an inline seed object) when another branch got further.
  const alternatives = new Set(
    errors
      .filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf')
      .map((error) => error.instancePath),
  );
  const deeper = (pointer: string) =>
    errors.some(
      (error) =>
        error.keyword !== 'oneOf' &&
        error.keyword !== 'anyOf' &&
        error.keyword !== 'type' &&
        (error.instancePath === pointer || error.instancePath.startsWith(`${pointer}/`)),
    );
  for (const error of errors) {
    // if/then/else and allOf wrappers repeat what their branches already said.
    if (error.keyword === 'if' || error.keyword === 'allOf') continue;
    if (alternatives.has(error.instancePath) && deeper(error.instancePath)) {
      if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'type') continue;
    }
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

/** A value as a person reads it in a report: JSON, cut short. */
function showValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `; known: a, b, c` for an object with a short list of properties, so the message says what would do. */
function knownProperties(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: object } | undefined)?.properties;
  const names = properties ? Object.keys(properties) : [];
  return names.length > 0 && names.length <= 16 ? `; known: ${names.join(', ')}` : '';
}

function describe(error: ErrorObject): SchemaViolation {
  const params = error.params as Record<string, unknown>;
  const at = (pointer: string, keyword: string, message: string, expected: string, found: unknown) => ({
    pointer,
    keyword,
    message,
    expected,
    found: showValue(found),
  });
  switch (error.keyword) {
    case 'required':
      return at(
        `${error.instancePath}/${escapePointerToken(String(params.missingProperty))}`,
        'required',
        'is required but missing',
        'present',
        undefined,
      );
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      return at(
        `${error.instancePath}/${escapePointerToken(name)}`,
        'additionalProperties',
        `is not a property of this object (check its spelling and casing${knownProperties(error)})`,
        'no such property',
        (error.data as Record<string, unknown> | undefined)?.[name],
      );
    }
    case 'unevaluatedProperties': {
      const name = String(params.unevaluatedProperty);
      return at(
        `${error.instancePath}/${escapePointerToken(name)}`,
        'unevaluatedProperties',
        'is not a property of this object (check its spelling and casing)',
        'no such property',
        (error.data as Record<string, unknown> | undefined)?.[name],
      );
    }
    case 'false schema':
      return at(error.instancePath, 'false schema', 'must be absent here', 'absent', error.data);
    case 'type':
      return at(
        error.instancePath,
        'type',
        error.message ?? 'has the wrong type',
        String(params.type),
        error.data,
      );
    case 'enum':
      return at(
        error.instancePath,
        'enum',
        `must be one of ${JSON.stringify(params.allowedValues)}`,
        `one of ${JSON.stringify(params.allowedValues)}`,
        error.data,
      );
    case 'const':
      return at(
        error.instancePath,
        'const',
        error.message ?? 'is invalid',
        JSON.stringify(params.allowedValue),
        error.data,
      );
    case 'format':
      return at(
        error.instancePath,
        'format',
        error.message ?? 'is invalid',
        `format ${String(params.format)}`,
        error.data,
      );
    case 'pattern': {
      const description = (error.parentSchema as { description?: string } | undefined)?.description;
      const expected = description ? lowerFirst(description) : `a string matching ${String(params.pattern)}`;
      return at(error.instancePath, 'pattern', `must be ${expected}`, expected, error.data);
    }
    default: {
      const message = error.message ?? 'is invalid';
      return at(error.instancePath, error.keyword, message, message.replace(/^must /, ''), error.data);
    }
  }
}

let shared: SchemaRegistry | undefined;

/** The schemas are read-only files, so one compiled registry serves every app in the process. */
export function getSchemaRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}
