import type { JsonSchema, Random } from 'json-schema-faker';
import { loadSchemaDocument } from '../core/schemas/documents.js';

/**
 * What json-schema-faker is given to fake one definition of a schema file: the definition as the
 * file has it, trimmed of what the fakes never use and prepared so that generating it is cheap.
 * Every value it makes is still valid against the file's definition.
 */

/**
 * Per schema file and definition, the properties whose generated value the fakes never use: they
 * make their own (realistic names, e-mail addresses, notes, answers to the service's questions) or
 * ignore them. json-schema-faker spent most of its time on these (random strings, work hours,
 * answer lists), so they are left out. Each optional property is present or not on its own, so
 * leaving some out does not change how often the rest are present.
 */
const unusedProperties: Record<string, Record<string, readonly string[]>> = {
  seed: {
    StaffMember: ['displayName', 'emailAddress', 'timeZone', 'workingHours', 'useBusinessHours'],
    Service: [
      'displayName',
      'durationMinutes',
      'preBufferMinutes',
      'postBufferMinutes',
      'price',
      'priceType',
      'maxAttendees',
      'notes',
      'staffMemberIds',
    ],
    CustomQuestion: ['question'],
  },
  'graph-booking-appointment': {
    bookingCustomerInformation: [
      'name',
      'emailAddress',
      'phone',
      'notes',
      'timeZone',
      'customQuestionAnswers',
    ],
  },
};

/** The schema file's definitions, without the properties the fakes do not use. */
function definitionsToGenerate(name: string): Record<string, unknown> {
  const definitions = { ...loadSchemaDocument(name).$defs };
  for (const [definition, unused] of Object.entries(unusedProperties[name] ?? {})) {
    const schema = definitions[definition] as { properties: Record<string, unknown>; required?: string[] };
    const properties = Object.fromEntries(
      Object.entries(schema.properties).filter(([property]) => !unused.includes(property)),
    );
    const required = schema.required?.filter((property) => !unused.includes(property));
    definitions[definition] = { ...schema, properties, ...(required ? { required } : {}) };
  }
  return definitions;
}

/**
 * Only the `$defs` that `definition` refers to, directly or through others: json-schema-faker walks
 * every definition it is given on each call, and most of a document's are unrelated.
 */
function reachableDefinitions(
  definitions: Record<string, unknown>,
  definition: string,
): Record<string, unknown> {
  const reached: Record<string, unknown> = {};
  const pending = [definition];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (name in reached || !(name in definitions)) continue;
    reached[name] = definitions[name];
    for (const match of JSON.stringify(definitions[name]).matchAll(/"#\/\$defs\/([^"/]+)"/g)) {
      if (match[1]) pending.push(match[1]);
    }
  }
  return reached;
}

/**
 * A reference into another schema file (`graph-booking-appointment.schema.json#/$defs/x`) replaced
 * by that definition: json-schema-faker's generateSync resolves only local references.
 */
function inlineRemoteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inlineRemoteRefs);
  if (node === null || typeof node !== 'object') return node;
  const { $ref: ref, ...rest } = node as Record<string, unknown>;
  const remote = typeof ref === 'string' ? /^([a-z-]+)\.schema\.json#\/\$defs\/([^/]+)$/.exec(ref) : null;
  const inlined = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, inlineRemoteRefs(value)]),
  );
  if (!remote?.[1] || !remote[2]) return ref === undefined ? inlined : { $ref: ref, ...inlined };
  const file = `${remote[1]}.schema.json`;
  const definition = JSON.stringify(loadSchemaDocument(remote[1]).$defs[remote[2]]).replaceAll(
    '"#/$defs/',
    `"${file}#/$defs/`,
  );
  return { ...(inlineRemoteRefs(JSON.parse(definition)) as object), ...inlined };
}

/**
 * Every local reference (`#/$defs/x`) replaced by its definition, except one that would repeat a
 * definition it is inside: json-schema-faker takes a full step for each reference it follows.
 */
function inlineLocalRefs(
  node: unknown,
  definitions: Record<string, unknown>,
  inside: string[] = [],
): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineLocalRefs(item, definitions, inside));
  if (node === null || typeof node !== 'object') return node;
  const { $ref: ref, ...rest } = node as Record<string, unknown>;
  const inlined = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, inlineLocalRefs(value, definitions, inside)]),
  );
  const local = typeof ref === 'string' ? /^#\/\$defs\/([^/]+)$/.exec(ref)?.[1] : undefined;
  if (local === undefined || inside.includes(local) || !(local in definitions)) {
    return ref === undefined ? inlined : { $ref: ref, ...inlined };
  }
  return { ...(inlineLocalRefs(definitions[local], definitions, [...inside, local]) as object), ...inlined };
}

const maxGeneratedLength = 40;
const alphanumeric = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Formats for json-schema-faker (pass them as its `formats` option): `alphanumeric-MIN-MAX`, the
 * string it makes for a plain `type: string` schema with those bounds, drawn the same way from the
 * same random source, but without the copy of its whole alphabet it makes for every character.
 */
export const generationFormats: Record<string, (random: Random) => string> = {};

function alphanumericFormat(minLength: number, maxLength: number): string {
  const name = `alphanumeric-${minLength}-${maxLength}`;
  generationFormats[name] ??= (random) => {
    const length = random.int(minLength, maxLength);
    let text = '';
    for (let index = 0; index < length; index++) text += alphanumeric[random.int(0, alphanumeric.length - 1)];
    return text;
  };
  return name;
}

const isPlainString = (node: Record<string, unknown>) =>
  node.type === 'string' &&
  node.format === undefined &&
  node.pattern === undefined &&
  node.enum === undefined &&
  node.const === undefined;

/**
 * Every `maxLength` above 40 lowered to 40 (json-schema-faker builds a string up to the schema's
 * own maxLength before its `maxLength` option cuts it, so the 10,000-character limits made each
 * string 50 times slower to fake; shorter strings are still valid against the original), and every
 * plain string given its `alphanumeric-MIN-MAX` format.
 */
function prepareStrings(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prepareStrings);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'maxLength' && typeof value === 'number'
        ? Math.min(value, maxGeneratedLength)
        : prepareStrings(value);
  }
  if (isPlainString(out)) {
    const minLength = typeof out.minLength === 'number' ? out.minLength : 0;
    // json-schema-faker's own bound for a string with no maxLength.
    const maxLength = typeof out.maxLength === 'number' ? out.maxLength : Math.max(minLength + 10, 10);
    out.format = alphanumericFormat(minLength, maxLength);
  }
  return out;
}

const generationSchemas = new Map<string, JsonSchema>();

/**
 * What json-schema-faker is given for `definition` of schemas/NAME.schema.json, or with `count`
 * for an array of exactly that many (one call for several values); made once.
 */
export function generationSchema(name: string, definition: string, count?: number): JsonSchema {
  const key = `${name}#${definition}#${count ?? ''}`;
  let schema = generationSchemas.get(key);
  if (!schema) {
    const reachable = reachableDefinitions(definitionsToGenerate(name), definition);
    const definitions = Object.fromEntries(
      Object.entries(reachable).map(([name, value]) => [name, inlineRemoteRefs(value)]),
    );
    const one = inlineLocalRefs(definitions[definition], definitions, [definition]) as object;
    const generated =
      count === undefined ? one : { type: 'array', items: one, minItems: count, maxItems: count };
    // Definitions are still needed only where a reference repeats one it is inside.
    const refers = JSON.stringify(generated).includes('"#/$defs/');
    schema = prepareStrings(refers ? { ...generated, $defs: definitions } : generated) as JsonSchema;
    generationSchemas.set(key, schema);
  }
  return schema;
}
