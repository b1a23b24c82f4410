import { type EntityType, isControlInformation } from './entity-type.js';

/** A JSON value with OData control information (`@odata.type` and the like) removed at every depth. */
function withoutControlInformation(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) items[i] = withoutControlInformation(value[i]);
    return items;
  }
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(source)) {
    if (isControlInformation(name)) continue;
    const item = withoutControlInformation(source[name]);
    // An own `__proto__` stays data, as Object.fromEntries would keep it (the JSON parser refuses it anyway).
    if (name === '__proto__')
      Object.defineProperty(copy, name, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[name] = item;
  }
  return copy;
}

/**
 * A Graph request body, already checked against the schema, as a service's input. Only the type's
 * writable properties pass: read-only ones are ignored as Graph ignores them, and so are control
 * information and properties the type does not have. A null means no value: the key stays with
 * `undefined`, so that an update clears what was stored.
 */
export function writableInput(body: object, type: EntityType): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const given = body as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    const value = given[name];
    if (type.writable.has(name)) input[name] = value === null ? undefined : withoutControlInformation(value);
  }
  return input;
}
