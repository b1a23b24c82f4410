import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadSchemaDocument } from './documents.js';
import { compileOnFirstUse, getSchemaRegistry, schemaId } from './registry.js';

describe('compileOnFirstUse', () => {
  it('compiles on the first call only, and passes the verdict and errors through', () => {
    let compiled = 0;
    const validate = compileOnFirstUse(() => {
      compiled += 1;
      return getSchemaRegistry().validator(schemaId('subscribe-request'));
    });
    expect(compiled).toBe(0);
    expect(validate({})).toBe(false);
    expect(validate.errors?.length).toBeGreaterThan(0);
    expect(
      validate({
        webhook: {
          notification_url: 'https://example.com/flow',
          resource: 'Appointments',
          change_type: ['Created'],
        },
      }),
    ).toBe(true);
    expect(validate.errors).toBeNull();
    expect(compiled).toBe(1);
  });
});

describe('the schemas routes refer to', () => {
  // Route validators compile on first use, so a broken definition would surface only when its route
  // is hit; routes refer only to whole schemas and their $defs, so compiling all of those covers them.
  it('every schema and every $defs entry compiles', () => {
    const registry = getSchemaRegistry();
    const refs: string[] = [];
    for (const name of registry.names) {
      refs.push(schemaId(name));
      const document = loadSchemaDocument(name) as { $defs?: Record<string, unknown> };
      for (const definition of Object.keys(document.$defs ?? {}))
        refs.push(schemaId(name, `#/$defs/${definition}`));
    }
    expect(refs.length).toBeGreaterThan(30);
    for (const ref of refs) expect(() => registry.validator(ref), ref).not.toThrow();
  });
});

describe('the schema files', () => {
  it('each is a valid JSON Schema 2020-12 document (the registry skips this check at start-up)', () => {
    const meta = new Ajv2020({ strict: false });
    const registry = getSchemaRegistry();
    for (const name of registry.names) {
      expect(meta.validateSchema(loadSchemaDocument(name) as object), `${name}: ${meta.errorsText()}`).toBe(
        true,
      );
    }
  });

  it('a schema that breaks the meta-schema is caught by that check', () => {
    const meta = new Ajv2020({ strict: false });
    expect(meta.validateSchema({ type: 'object', properties: { name: { type: 'text' } } })).toBe(false);
  });
});
