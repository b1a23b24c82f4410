import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { loadSchemaDocument } from '../core/schemas/documents.js';
import { policyDefaults } from '../domain/policies.js';
import { policyVariants } from '../domain/policy-variants.js';
import { fakeAppointmentData } from '../fakes/appointment-data.js';
import { requestTriggerSchema } from './request-trigger-schema.js';

/** Every key used anywhere in the schema, property names aside. */
function keywords(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) keywords(item, into);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties') {
        for (const property of Object.values(value as object)) keywords(property, into);
      } else {
        into.add(key);
        keywords(value, into);
      }
    }
  }
  return into;
}

const schema = requestTriggerSchema();
// The request trigger takes draft-04 style schemas; ajv's default draft, strict, refuses any keyword it does not know.
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

describe('requestTriggerSchema', () => {
  it('is self-contained and uses only the plain keywords the request trigger reads', () => {
    const used = keywords(schema);
    expect([...used].sort()).toEqual(['description', 'items', 'title', 'type']);
    for (const absent of ['$ref', '$id', '$schema', '$defs', 'additionalProperties', 'deprecated'])
      expect(used.has(absent)).toBe(false);
    expect(JSON.stringify(schema)).not.toContain('#/$defs');
    expect(schema.type).toBe('object');
  });

  it('declares every AppointmentData field, nested ones inlined', () => {
    const source = loadSchemaDocument('appointment-data') as unknown as { properties: object };
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties)).toEqual(Object.keys(source.properties));
    expect(properties.Duration).toMatchObject({ type: 'integer', description: expect.any(String) });
    expect(properties.Customers).toMatchObject({
      type: 'array',
      items: { type: 'object', properties: { Email: { type: 'string' }, Answers: { type: 'array' } } },
    });
    expect(properties.CustomerLocation).toMatchObject({
      type: 'object',
      properties: { PhysicalAddress: { type: 'object', properties: { City: { type: 'string' } } } },
    });
    expect(properties.CustomQuestionAnswers).toMatchObject({
      items: { properties: { SelectedOptions: { type: 'array', items: { type: 'integer' } } } },
    });
  });

  it('accepts what the emulator sends, under every policy, for 1:1 and group bookings, cancellations included', () => {
    for (const { name, policies } of policyVariants()) {
      for (const kind of ['one-to-one', 'group'] as const) {
        const payloads = fakeAppointmentData({
          seed: 7,
          kind,
          withCancellations: true,
          policies: { ...policyDefaults, ...policies },
        });
        for (let index = 0; index < 6; index++) {
          const payload = payloads.next().value;
          expect(validate(payload), `${name} ${kind}: ${JSON.stringify(validate.errors)}`).toBe(true);
        }
      }
    }
  });

  it('accepts the captured real payloads', () => {
    const folder = join(packageRoot, 'fixtures', 'captured');
    const files = readdirSync(folder).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const payload = JSON.parse(readFileSync(join(folder, file), 'utf8'));
      expect(validate(payload), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
