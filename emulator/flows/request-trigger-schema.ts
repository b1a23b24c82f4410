import { loadSchemaDocument } from '../core/schemas/documents.js';

type SchemaNode = Record<string, unknown>;

const isObject = (value: unknown): value is SchemaNode =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The keywords a "When a HTTP request is received" trigger reads (a draft-04 style schema, as its
 * "Use sample payload to generate schema" writes them). Everything else (`$id`, `$defs`, `$ref`,
 * `additionalProperties: false`, `deprecated`, bounds) is resolved or left out: the trigger cannot
 * follow references, and a stand-in must accept what the real trigger would pass.
 */
const kept = new Set(['type', 'title', 'description', 'properties', 'items', 'enum']);

/** `refs`: the definitions being inlined around this node, to refuse a cycle. */
function resolve(node: unknown, root: SchemaNode, refs: string[]): SchemaNode {
  if (!isObject(node))
    throw new Error(`a schema node inside ${refs.join(' > ') || 'the root'} is not an object`);
  let merged: SchemaNode = node;
  if (typeof node.$ref === 'string') {
    const name = /^#\/\$defs\/([^/]+)$/.exec(node.$ref)?.[1];
    const target = name === undefined || !isObject(root.$defs) ? undefined : root.$defs[name];
    if (name === undefined || target === undefined) throw new Error(`cannot resolve ${node.$ref}`);
    if (refs.includes(name)) throw new Error(`${node.$ref} refers to itself`);
    // The referring site's own words (a property's description) win over the definition's.
    const { $ref: _ref, ...siblings } = node;
    merged = { ...resolve(target, root, [...refs, name]), ...siblings };
  }
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(merged)) {
    if (!kept.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, resolve(property, root, refs)]),
      );
    } else if (key === 'items') {
      out.items = resolve(value, root, refs);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The JSON Schema to paste into a "When a HTTP request is received" trigger that stands in for a
 * Bookings trigger: schemas/appointment-data.schema.json with its `$defs` inlined, self-contained.
 */
export function requestTriggerSchema(): SchemaNode {
  const root = loadSchemaDocument('appointment-data') as unknown as SchemaNode;
  const { properties, title } = resolve(root, root, []);
  return {
    type: 'object',
    title,
    description:
      'AppointmentData: the body the Microsoft Bookings trigger delivers when an appointment is created, updated or cancelled, as the certified connector declares it. No field is required and no string has a format, as in the connector. Printed by bookings-emulator schema request-trigger for a "When a HTTP request is received" trigger that stands in for the Bookings trigger.',
    properties,
  };
}
