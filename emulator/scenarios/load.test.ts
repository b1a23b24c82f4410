import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInSeedPath } from '../core/paths.js';
import { type Diagnostic, formatDiagnostic } from '../core/source.js';
import { positionIn as at, useScenarioFolder } from '../testing/scenario-files.js';
import { type LoadResult, lintFile, loadScenarioFile } from './load.js';

const scenarioFolder = useScenarioFolder('bookings-load-');
const write = scenarioFolder.write;

function diagnosticsOf(result: LoadResult): Diagnostic[] {
  if (result.ok) throw new Error('expected the scenario to be refused, but it loaded');
  return result.diagnostics;
}

function load(text: string, name?: string): { file: string; text: string; diagnostics: Diagnostic[] } {
  const file = write(text, name);
  return { file, text, diagnostics: diagnosticsOf(loadScenarioFile(file)) };
}

/** The one diagnostic whose message matches; fails with the whole list when there is not exactly one. */
function only(diagnostics: Diagnostic[], pattern: RegExp): Diagnostic {
  const matching = diagnostics.filter((diagnostic) => pattern.test(diagnostic.message));
  expect(matching, JSON.stringify(diagnostics, null, 2)).toHaveLength(1);
  return matching[0] as Diagnostic;
}

const flows = [
  'flows:',
  '  - { name: on-create, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "inbox:c" }',
].join('\n');

const good = [
  'name: good',
  flows,
  'steps:',
  '  - subscribe: { flow: on-create }',
  '  - create: { ref: a1, service: svc1, start: +1h, customer: { name: A, email: a@example.com } }',
  '  - expect: { flow: on-create, ref: a1, count: 1 }',
  '',
].join('\n');

describe('loadScenarioFile', () => {
  it('loads a valid scenario with the built-in seed by default', () => {
    const file = write(good);
    const result = loadScenarioFile(file);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.loaded.file).toBe(file);
    expect(result.loaded.scenario.name).toBe('good');
    expect(result.loaded.seed.businesses.map((business) => business.email)).toEqual([
      'lunch@contoso.example',
      'clinic@contoso.example',
    ]);
    expect(lintFile(file)).toEqual([]);
  });

  it('accepts JSON scenario files', () => {
    const json = {
      name: 'json',
      flows: [
        {
          name: 'on-create',
          mailbox: 'lunch@contoso.example',
          as: 'adele@contoso.example',
          trigger: 'created',
          url: 'inbox:c',
        },
      ],
      steps: [
        { subscribe: { flow: 'on-create' } },
        {
          create: {
            ref: 'a1',
            service: 'svc1',
            start: '+1h',
            customer: { name: 'A', email: 'a@example.com' },
          },
        },
        { expect: { flow: 'on-create', count: 1 } },
      ],
    };
    const file = write(JSON.stringify(json, null, 2), 'scenario.json');
    const result = loadScenarioFile(file);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (result.ok) expect(result.loaded.scenario).toEqual(json);
    expect(lintFile(file)).toEqual([]);
  });

  it('positions schema problems of JSON files too', () => {
    const text = '{\n  "name": "j",\n  "steps": [\n    { "advance": { "by": 5 } }\n  ]\n}\n';
    const { diagnostics, file } = load(text, 'bad.json');
    expect(diagnostics).toEqual([
      { file, ...at(text, '5 }'), message: expect.stringMatching(/^\/steps\/0\/advance\/by must be string/) },
    ]);
  });

  it('reports a file that cannot be read in words, naming it, with no position to point at', () => {
    const missing = join(scenarioFolder.path(), 'does-not-exist.yaml');
    const diagnostics = diagnosticsOf(loadScenarioFile(missing));
    expect(diagnostics.map(formatDiagnostic)).toEqual([`cannot read ${missing}: no such file`]);
    expect(diagnosticsOf(loadScenarioFile(scenarioFolder.path())).map(formatDiagnostic)).toEqual([
      `cannot read ${scenarioFolder.path()}: it is a folder, not a file`,
    ]);
  });

  describe('schema problems are where the user wrote them', () => {
    it('a wrong type is at the value', () => {
      const text = [
        'name: types',
        flows,
        'steps:',
        '  - subscribe: { flow: on-create }',
        '  - create:',
        '      ref: a1',
        '      service: svc1',
        '      start: 42',
        '      customer: { name: A, email: a@example.com }',
        '  - expect: { flow: on-create, count: "3" }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(only(diagnostics, /\/steps\/1\/create\/start must be string/)).toEqual({
        file,
        ...at(text, '42'),
        message: expect.any(String),
      });
      expect(only(diagnostics, /\/steps\/2\/expect\/count must be integer/)).toMatchObject(at(text, '"3"'));
    });

    it('a value against a pattern or an enum is at the value', () => {
      const text = [
        'name: patterns',
        'flows:',
        '  - name: f1',
        '    mailbox: lunch@contoso.example',
        '    as: adele@contoso.example',
        '    trigger: booked',
        '    url: "inbox:c"',
        'steps:',
        '  - advance: { by: 5x }',
        '',
      ].join('\n');
      const { diagnostics } = load(text);
      expect(only(diagnostics, /\/steps\/0\/advance\/by must be a duration/)).toMatchObject(at(text, '5x'));
      const trigger = diagnostics.find((diagnostic) => diagnostic.message.startsWith('/flows/0/trigger'));
      expect(trigger, JSON.stringify(diagnostics)).toMatchObject(at(text, 'booked'));
    });

    it('an unknown property is at its key', () => {
      const text = [
        'name: keys',
        'flows:',
        '  - name: f1',
        '    mailbox: lunch@contoso.example',
        '    as: adele@contoso.example',
        '    trigger: created',
        '    url: "inbox:c"',
        '    colour: red',
        'steps:',
        '  - subscribe: { flow: f1, retries: 3 }',
        '  - creat: { ref: a3 }',
        '  - expect: { flow: f1, cout: 1 }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(only(diagnostics, /^\/flows\/0\/colour is not a property/)).toEqual({
        file,
        ...at(text, 'colour'),
        message: expect.any(String),
      });
      expect(only(diagnostics, /^\/steps\/0\/subscribe\/retries is not a property/)).toMatchObject(
        at(text, 'retries'),
      );
      expect(only(diagnostics, /^\/steps\/1\/creat is not a property/)).toMatchObject(at(text, 'creat:'));
      expect(only(diagnostics, /^\/steps\/2\/expect\/cout is not a property/)).toMatchObject(
        at(text, 'cout'),
      );
    });

    it('an unknown property of a customer is at its key', () => {
      const text = [
        'name: customer-key',
        flows,
        'steps:',
        '  - create: { ref: a1, service: svc1, start: +1h, customer: { nmae: X } }',
        '',
      ].join('\n');
      const { diagnostics } = load(text);
      expect(only(diagnostics, /customer\/nmae is not a property/)).toMatchObject(at(text, 'nmae'));
    });

    it('an unknown property of a create or update step is at its key, and named', () => {
      // create and update share AppointmentFields through allOf + unevaluatedProperties.
      const text = [
        'name: create-keys',
        flows,
        'steps:',
        '  - create: { ref: a1, service: svc1, start: +1h, customer: { name: A }, bogus: 1 }',
        '  - update:',
        '      ref: a1',
        '      colour: red',
        '',
      ].join('\n');
      const { diagnostics } = load(text);
      expect(diagnostics, JSON.stringify(diagnostics, null, 2)).toHaveLength(2);
      const [create, update] = diagnostics;
      expect(create, JSON.stringify(diagnostics, null, 2)).toMatchObject(at(text, 'bogus'));
      expect(create?.message).toContain('bogus');
      expect(update, JSON.stringify(diagnostics, null, 2)).toMatchObject(at(text, 'colour'));
      expect(update?.message).toContain('colour');
    });

    it('a missing property is at the step that lacks it', () => {
      const text = [
        'name: missing',
        flows,
        'steps:',
        '  - create: { ref: a1, start: +1h }',
        '  - repeat:',
        '      times: 2',
        '      steps:',
        '        - expect: { count: 1 }',
        '',
      ].join('\n');
      const { diagnostics } = load(text);
      const service = only(diagnostics, /^\/steps\/0\/create\/service is required/);
      expect(service.line).toBe(at(text, '- create').line);
      expect(service.col).toBeGreaterThanOrEqual(at(text, '- create').col);
      expect(service.col).toBeLessThanOrEqual(at(text, '{ ref: a1, start').col);
      const flow = only(diagnostics, /^\/steps\/1\/repeat\/steps\/0\/expect\/flow is required/);
      expect(flow.line).toBe(at(text, '- expect').line);
      expect(flow.col).toBeGreaterThanOrEqual(at(text, '- expect').col);
      expect(flow.col).toBeLessThanOrEqual(at(text, '{ count: 1 }').col);
    });

    it('a missing top-level property is reported at the start of the file', () => {
      const { diagnostics, file } = load('name: no-steps\n');
      expect(diagnostics).toEqual([
        { file, line: 1, col: 1, message: expect.stringMatching(/^\/steps is required/) },
      ]);
    });

    it('a step with two verbs is at that step', () => {
      const text = ['name: two-verbs', 'steps:', '  - { advance: { by: 1s }, fault: { x: 1 } }', ''].join(
        '\n',
      );
      const { diagnostics } = load(text);
      expect(only(diagnostics, /^\/steps\/0 must NOT have more than 1 properties/)).toMatchObject(
        at(text, '{ advance'),
      );
    });

    it('problems come back sorted by position', () => {
      const text = [
        'name: sorted',
        'steps:',
        '  - advance: { by: soon }',
        '  - advance: { by: 1s, extra: 1 }',
        '  - advance: { to: yesterday }',
        '',
      ].join('\n');
      const { diagnostics } = load(text);
      expect(diagnostics.length).toBeGreaterThanOrEqual(3);
      const order = diagnostics.map((diagnostic) => diagnostic.line * 1000 + diagnostic.col);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    });
  });

  describe('YAML problems are diagnostics with positions, not crashes', () => {
    it('a syntax error', () => {
      const text = 'name: syntax\nsteps:\n  - advance: { by: 1s\n  - x: [\n';
      const { diagnostics, file } = load(text);
      expect(diagnostics.length).toBeGreaterThan(0);
      for (const diagnostic of diagnostics) {
        expect(diagnostic.file).toBe(file);
        expect(diagnostic.line).toBeGreaterThanOrEqual(3);
      }
      expect(lintFile(file)).toEqual(diagnostics);
    });

    it('a duplicate key', () => {
      const text = 'name: dup\nsteps:\n  - advance: { by: 1s }\nname: dup2\n';
      const { diagnostics, file } = load(text);
      expect(diagnostics).toEqual([
        { file, ...at(text, 'name: dup2'), message: expect.stringMatching(/unique/i) },
      ]);
    });

    it('an alias bomb', () => {
      const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
      const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (const [index, name] of names.slice(1).entries()) {
        lines.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${names[index]}`).join(',')}]`);
      }
      lines.push('name: bomb', 'steps: [{ advance: { by: 1s } }]', '');
      const { diagnostics, file } = load(lines.join('\n'));
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ file, line: expect.any(Number), col: expect.any(Number) });
      expect(diagnostics[0]?.message).toMatch(/alias/i);
      expect(lintFile(file)).toEqual(diagnostics);
    });

    it('a document that is not an object', () => {
      const { diagnostics, file } = load('- just\n- a list\n');
      expect(diagnostics).toEqual([
        { file, line: 1, col: 1, message: expect.stringMatching(/must be object/) },
      ]);
    });

    it('an empty file', () => {
      const { diagnostics, file } = load('');
      expect(diagnostics.length).toBeGreaterThan(0);
      expect(diagnostics[0]).toMatchObject({ file, line: 1, col: 1 });
    });
  });

  describe('references the schema cannot check', () => {
    it('an unknown flow', () => {
      const text = [
        'name: unknown-flow',
        flows,
        'steps:',
        '  - subscribe: { flow: nope }',
        '  - unsubscribe: { flow: nada }',
        '  - expect: { flow: none, count: 0 }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(diagnostics).toEqual([
        { file, ...at(text, 'nope'), message: 'no flow named "nope" in flows' },
        { file, ...at(text, 'nada'), message: 'no flow named "nada" in flows' },
        { file, ...at(text, 'none'), message: 'no flow named "none" in flows' },
      ]);
    });

    it('a ref used before any create makes it', () => {
      const text = [
        'name: early-ref',
        flows,
        'steps:',
        '  - update: { ref: a1, notes: x }',
        '  - cancel: { ref: a2 }',
        '  - delete: { ref: a3 }',
        '  - expect: { flow: on-create, ref: a4 }',
        '  - create: { ref: a1, service: svc1, start: +1h, customer: { name: A } }',
        '  - update: { ref: a1, notes: fine }',
        '',
      ].join('\n');
      const { diagnostics } = load(text);
      expect(diagnostics.map((diagnostic) => [diagnostic.message, diagnostic.line, diagnostic.col])).toEqual(
        ['a1', 'a2', 'a3', 'a4'].map((ref) => {
          const { line, col } = at(text, `ref: ${ref}`);
          return [`ref "${ref}" is not created by an earlier step`, line, col + 5];
        }),
      );
    });

    it('a ref created inside a repeat counts for steps after it; variables are left to the run', () => {
      const text = [
        'name: repeat-refs',
        flows,
        'steps:',
        '  - repeat:',
        '      times: 2',
        '      steps:',
        '        - create: { ref: "r${i}", service: svc1, start: +1h, customer: { name: A } }',
        '        - update: { ref: "r${i}", notes: x }',
        '  - create: { ref: b, service: svc1, start: +1h, customer: { name: B } }',
        '  - cancel: { ref: b }',
        '',
      ].join('\n');
      const file = write(text);
      const result = loadScenarioFile(file);
      expect(result.ok, JSON.stringify(result)).toBe(true);
    });

    it('a literal ref that a templated create in a repeat makes is not refused', () => {
      // repeat 3 × create r${i} makes r0, r1 and r2: the run finds them (runner.test.ts), so lint must not refuse.
      const text = [
        'name: repeat-literal-refs',
        flows,
        'steps:',
        '  - subscribe: { flow: on-create }',
        '  - repeat:',
        '      times: 3',
        '      steps:',
        '        - create: { ref: "r${i}", service: svc1, start: +1h, customer: { name: A } }',
        '  - expect: { flow: on-create, ref: r2, count: 1 }',
        '  - cancel: { ref: r1 }',
        '',
      ].join('\n');
      const result = loadScenarioFile(write(text));
      expect(result.ok ? [] : result.diagnostics).toEqual([]);
    });

    it('an unknown service in the mailbox, listing the known ones', () => {
      const text = [
        'name: unknown-service',
        flows,
        'steps:',
        '  - create: { ref: a1, service: svc9, start: +1h }',
        '  - create: { ref: a2, mailbox: clinic@contoso.example, service: svc1, start: +1h }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(diagnostics).toEqual([
        {
          file,
          ...at(text, 'svc9'),
          message: 'lunch@contoso.example has no service "svc9"; known: svc1, svc2, intro',
        },
        {
          file,
          ...at(text, 'svc1, start: +1h }'),
          message: 'clinic@contoso.example has no service "svc1"; known: checkup',
        },
      ]);
    });

    it('an unknown mailbox', () => {
      const text = [
        'name: unknown-mailbox',
        flows,
        'steps:',
        '  - create: { ref: a1, mailbox: nowhere@contoso.example, service: svc1, start: +1h }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(diagnostics).toEqual([
        {
          file,
          ...at(text, 'nowhere@contoso.example'),
          message: 'no business has the mailbox "nowhere@contoso.example" in the seed',
        },
      ]);
    });

    it('an `as` user who is not in the seed', () => {
      const text = [
        'name: unknown-user',
        'flows:',
        '  - name: f1',
        '    mailbox: lunch@contoso.example',
        '    as: nobody@contoso.example',
        '    trigger: created',
        '    url: "inbox:c"',
        'steps:',
        '  - subscribe: { flow: f1 }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(diagnostics).toEqual([
        {
          file,
          ...at(text, 'nobody@contoso.example'),
          message: expect.stringContaining('not a user of the seed'),
        },
      ]);
    });

    it('a flow defined twice is reported at the second definition', () => {
      const text = [
        'name: twice',
        'flows:',
        '  - { name: f1, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "inbox:a" }',
        '  - { name: f1, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: updated, url: "inbox:b" }',
        'steps:',
        '  - subscribe: { flow: f1 }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(diagnostics).toEqual([{ file, ...at(text, 'f1', 1), message: 'flow "f1" is defined twice' }]);
    });

    it('a flow URL that is neither a URL nor inbox:NAME', () => {
      const text = [
        'name: bad-url',
        'flows:',
        '  - { name: f1, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "somewhere" }',
        'steps:',
        '  - subscribe: { flow: f1 }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(diagnostics).toEqual([
        {
          file,
          ...at(text, '"somewhere"'),
          message: expect.stringContaining('neither a URL nor inbox:NAME'),
        },
      ]);
    });

    it('a seed path that does not exist is at the seed value', () => {
      const text = [
        'name: seed-path',
        'seed: ./missing-seed.yaml',
        'steps:',
        '  - advance: { by: 1s }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(diagnostics).toEqual([
        {
          file,
          ...at(text, './missing-seed.yaml'),
          message: `seed ./missing-seed.yaml: cannot read ${join(scenarioFolder.path(), 'missing-seed.yaml')}: no such file`,
        },
      ]);
    });

    it('a seed path is relative to the scenario file, and its users, mailboxes and services are used', () => {
      mkdirSync(join(scenarioFolder.path(), 'seeds'), { recursive: true });
      writeFileSync(
        join(scenarioFolder.path(), 'seeds', 'shop.yaml'),
        [
          'users: [{ upn: owner@shop.example }]',
          'businesses:',
          '  - email: shop@shop.example',
          '    displayName: Shop',
          '    staff: [{ id: s1, displayName: O, emailAddress: owner@shop.example, role: administrator }]',
          '    services: [{ id: cut, displayName: Haircut }]',
          '',
        ].join('\n'),
      );
      mkdirSync(join(scenarioFolder.path(), 'nested'), { recursive: true });
      const good = [
        'name: shop',
        'seed: ../seeds/shop.yaml',
        'flows:',
        '  - { name: f, mailbox: shop@shop.example, as: owner@shop.example, trigger: created, url: "inbox:f" }',
        'steps:',
        '  - create: { ref: a, service: cut, start: +1h }',
        '',
      ].join('\n');
      const result = loadScenarioFile(write(good, 'nested/shop.yaml'));
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (result.ok) expect(result.loaded.seed.businesses[0]?.email).toBe('shop@shop.example');

      // The demo seed's names are not in this seed.
      const bad = good
        .replace('as: owner@shop.example', 'as: adele@contoso.example')
        .replace('cut,', 'svc1,');
      const { diagnostics } = load(bad, 'nested/shop-bad.yaml');
      expect(diagnostics.map((diagnostic) => diagnostic.message)).toEqual([
        expect.stringContaining('"adele@contoso.example" is not a user of the seed'),
        'shop@shop.example has no service "svc1"; known: cut',
      ]);
    });

    it('a seed file with problems is reported at the seed value', () => {
      writeFileSync(
        join(scenarioFolder.path(), 'broken-seed.yaml'),
        'businesses:\n  - email: not-an-email\n',
      );
      const text = [
        'name: broken-seed',
        'seed: broken-seed.yaml',
        'steps:',
        '  - advance: { by: 1s }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(diagnostics.length).toBeGreaterThan(0);
      for (const diagnostic of diagnostics) {
        expect(diagnostic).toMatchObject({ file, ...at(text, 'broken-seed.yaml') });
        expect(diagnostic.message).toMatch(/^seed broken-seed\.yaml: /);
      }
    });

    it('the built-in seed can be named by path', () => {
      const text = [
        'name: builtin',
        `seed: ${JSON.stringify(builtInSeedPath)}`,
        'steps:',
        '  - advance: { by: 1s }',
      ].join('\n');
      const result = loadScenarioFile(write(text));
      expect(result.ok, JSON.stringify(result)).toBe(true);
    });

    const inlineSeed = [
      'name: inline',
      'seed:',
      '  users: [{ upn: a@x.example }]',
      '  businesses:',
      '    - email: shop@x.example',
      '      displayName: Shop',
      '      staff:',
      '        - { id: s1, displayName: A, emailAddress: a@x.example, role: boss }',
      'steps:',
      '  - advance: { by: 1s }',
      '',
    ].join('\n');

    it('an inline seed with a bad role points into /seed at the role', () => {
      const { diagnostics, file } = load(inlineSeed);
      const role = only(diagnostics, /^\/seed\/businesses\/0\/staff\/0\/role must be one of/);
      expect(role).toEqual({
        file,
        ...at(inlineSeed, 'boss'),
        message: expect.stringContaining('administrator'),
      });
    });

    it('an inline seed with a bad role is not also told that the seed must be a file path', () => {
      // seed is oneOf [path string, inline seed]: the path branch's "must be string" is noise here.
      const { diagnostics } = load(inlineSeed);
      expect(diagnostics.map((diagnostic) => diagnostic.message)).toEqual([
        expect.stringMatching(/^\/seed\/businesses\/0\/staff\/0\/role must be one of/),
      ]);
    });

    it('an inline seed with broken references is reported inside /seed', () => {
      const text = [
        'name: inline-refs',
        'seed:',
        '  businesses:',
        '    - email: shop@x.example',
        '      displayName: Shop',
        '      staff: [{ id: s1, displayName: A, emailAddress: a@x.example, role: administrator }]',
        '      services: [{ id: v1, displayName: V, staffMemberIds: [s1, s9] }]',
        'steps:',
        '  - advance: { by: 1s }',
        '',
      ].join('\n');
      const { diagnostics, file } = load(text);
      expect(diagnostics).toEqual([
        {
          file,
          ...at(text, 's9'),
          message: '/seed/businesses/0/services/0/staffMemberIds/1 no staff member "s9" in shop@x.example',
        },
      ]);
    });

    it('an inline seed is used for the cross-checks', () => {
      const text = [
        'name: inline-ok',
        'seed:',
        '  users: [{ upn: a@x.example }]',
        '  businesses:',
        '    - email: shop@x.example',
        '      displayName: Shop',
        '      staff: [{ id: s1, displayName: A, emailAddress: a@x.example, role: administrator }]',
        '      services: [{ id: v1, displayName: V }]',
        'flows:',
        '  - { name: f, mailbox: shop@x.example, as: a@x.example, trigger: created, url: "inbox:f" }',
        'steps:',
        '  - subscribe: { flow: f }',
        '  - create: { ref: a, service: v1, start: +1h }',
        '',
      ].join('\n');
      const result = loadScenarioFile(write(text));
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (result.ok) expect(result.loaded.seed.businesses[0]?.email).toBe('shop@x.example');
    });
  });
});

describe('lintFile', () => {
  it('lints a seed file (businesses at the top) with its own positions', () => {
    const text = [
      'users:',
      '  - { upn: a@x.example, token: short }',
      'businesses:',
      '  - email: shop@x.example',
      '    displayName: Shop',
      '    colour: blue',
      '    staff:',
      '      - { id: s1, displayName: A, emailAddress: a@x.example, role: administrator }',
      '',
    ].join('\n');
    const file = write(text, 'seed-bad.yaml');
    expect(lintFile(file)).toEqual([
      { file, ...at(text, 'short'), message: expect.stringMatching(/^\/users\/0\/token /) },
      {
        file,
        ...at(text, 'colour'),
        message:
          '/businesses/0/colour is not a property of this object (check its spelling and casing; known: email, displayName, timeZone, staff, services, businessHours, customers, customQuestions)',
      },
    ]);
  });

  it('lints the cross-checks of a seed file at their positions', () => {
    const text = [
      'businesses:',
      '  - email: shop@x.example',
      '    displayName: Shop',
      '    staff:',
      '      - { id: s1, displayName: A, emailAddress: a@x.example, role: administrator }',
      '      - { id: s1, displayName: B, emailAddress: b@x.example, role: viewer }',
      '    services:',
      '      - { id: v1, displayName: V, staffMemberIds: [s1, s9] }',
      '',
    ].join('\n');
    const file = write(text, 'seed-refs.yaml');
    expect(lintFile(file)).toEqual([
      { file, ...at(text, 's1', 1), message: '/businesses/0/staff/1/id duplicate staff id "s1"' },
      {
        file,
        ...at(text, 's9'),
        message: '/businesses/0/services/0/staffMemberIds/1 no staff member "s9" in shop@x.example',
      },
    ]);
  });

  it('passes a good seed file and the built-in seed', () => {
    expect(lintFile(builtInSeedPath)).toEqual([]);
    const file = write('businesses:\n  - { email: shop@x.example, displayName: Shop }\n', 'seed-good.yaml');
    expect(lintFile(file)).toEqual([]);
  });

  it('reports syntax errors of a seed file with positions', () => {
    const text = 'businesses:\n  - email: shop@x.example\n    email: again@x.example\n';
    const file = write(text, 'seed-dup.yaml');
    expect(lintFile(file)).toEqual([
      { file, ...at(text, 'email: again'), message: expect.stringMatching(/unique/i) },
    ]);
  });

  it('lints a JSON seed file', () => {
    const text = '{\n  "businesses": [\n    { "email": "shop@x.example", "displayName": "" }\n  ]\n}\n';
    const file = write(text, 'seed.json');
    expect(lintFile(file)).toEqual([
      { file, ...at(text, '""'), message: expect.stringMatching(/^\/businesses\/0\/displayName /) },
    ]);
  });

  it('treats a file with businesses and steps as a scenario', () => {
    const text = 'name: both\nbusinesses: []\nsteps:\n  - advance: { by: 1s }\n';
    const file = write(text);
    expect(lintFile(file)).toEqual([
      {
        file,
        ...at(text, 'businesses'),
        message: expect.stringMatching(
          /^\/businesses is not a property of this object \(check its spelling and casing; known: name, description, seed, .*needs.*, steps\)$/,
        ),
      },
    ]);
  });
});

describe('lint shows every kind of problem at once', () => {
  const lines = (file: string) => lintFile(file).map(formatDiagnostic);

  it('schema problems and reference problems together, in file order', () => {
    const text = [
      'name: both-kinds',
      flows,
      'steps:',
      '  - subscribe: { flow: on-craete }',
      '  - create: { ref: a1, service: svc1, start: 42, customer: { name: A, email: a@example.com } }',
      '  - expect: { flow: on-create, ref: a2, count: 1 }',
      '',
    ].join('\n');
    const file = write(text);
    const flow = at(text, 'on-craete');
    const start = at(text, '42');
    const ref = at(text, 'a2');
    expect(lines(file)).toEqual([
      `${file}:${flow.line}:${flow.col} no flow named "on-craete" in flows`,
      `${file}:${start.line}:${start.col} /steps/1/create/start must be string`,
      `${file}:${ref.line}:${ref.col} ref "a2" is not created by an earlier step`,
    ]);
  });

  it('a part that fails the schema still defines its flow name and ref, so their uses are not reported', () => {
    const text = [
      'name: broken-parts',
      'flows:',
      '  - { name: on-create, mailbox: lunch@contoso.example, trigger: created, url: "inbox:c" }',
      'steps:',
      '  - subscribe: { flow: on-create }',
      '  - create: { ref: a1, service: svc1, start: 42 }',
      '  - expect: { flow: on-create, ref: a1, count: 1 }',
      '',
    ].join('\n');
    const found = lines(write(text));
    expect(found.join('\n')).not.toMatch(/no flow named|is not created by an earlier step/);
    expect(found.some((line) => line.includes('/flows/0/as is required'))).toBe(true);
    expect(found.some((line) => line.includes('/steps/1/create/start must be string'))).toBe(true);
  });

  it('a broken inline seed is reported without its references being checked against it', () => {
    const text = [
      'name: bad-seed',
      'seed: { businesses: 3 }',
      flows,
      'steps:',
      '  - subscribe: { flow: nowhere }',
      '',
    ].join('\n');
    const found = lines(write(text));
    const messages = found.map((line) => line.replace(/^\S+ /, ''));
    expect(messages).toContain('/seed/businesses must be array');
    expect(messages).toContain('no flow named "nowhere" in flows');
    // The flow's user is not judged against a seed that could not be read.
    expect(messages.join('\n')).not.toMatch(/is not a user of the seed/);
  });
});

describe('answers are checked against the questions of the service', () => {
  const lines = (text: string) => {
    const file = write(text);
    return lintFile(file).map((diagnostic) => ({ ...diagnostic, file: '' }));
  };
  const scenarioWith = (...steps: string[]) => ['name: answers', flows, 'steps:', ...steps, ''].join('\n');
  const create = (answers: string, extra = '') =>
    `  - create: { ref: a1, service: svc1, start: +1h, customer: { name: A, email: a@example.com, answers: ${answers} }${extra} }`;

  it('an answer that is not one of the options is at the answer, listing the options', () => {
    const text = scenarioWith(create('{ q1: Gardening }'));
    expect(lines(text)).toEqual([
      {
        file: '',
        ...at(text, 'Gardening'),
        message: '"Gardening" is not an option of q1 (Topic?); its options: Tax, Audit',
      },
    ]);
  });

  it('each chosen option of a list, a list for a text question, and a question the service does not ask', () => {
    const text = scenarioWith(create('{ q1: [Tax, Golf], q2: [a, b], q9: Yes }'));
    expect(lines(text)).toEqual([
      {
        file: '',
        ...at(text, 'Golf'),
        message: '"Golf" is not an option of q1 (Topic?); its options: Tax, Audit',
      },
      {
        file: '',
        ...at(text, '[a, b]'),
        message: 'q2 (Anything we should know?) is a text question: answer it with a string, not a list',
      },
      { file: '', ...at(text, 'q9'), message: '"q9" is not a question of svc1; its questions: q1, q2' },
    ]);
  });

  it('every customer of a group booking is checked', () => {
    const text = scenarioWith(
      '  - create:',
      '      ref: class',
      '      service: svc2',
      '      start: +1h',
      '      customers:',
      '        - { name: A, email: a@example.com, answers: { q3: Vegan } }',
      '        - { name: B, email: b@example.com, answers: { q3: Fish } }',
    );
    expect(lines(text).map((diagnostic) => [diagnostic.line, diagnostic.message])).toEqual([
      [
        at(text, 'Fish').line,
        '"Fish" is not an option of q3 (Dietary needs?); its options: None, Vegetarian, Vegan',
      ],
    ]);
  });

  it('a book step must answer every required question, as the booking page asks; a create need not', () => {
    const book =
      '  - book: { ref: b1, service: intro, start: +1h, customer: { name: A, email: a@example.com, answers: { q5: A friend } } }';
    const text = scenarioWith(book, create('{ q2: nothing }').replace('a1', 'a2'));
    expect(lines(text)).toEqual([
      {
        file: '',
        ...at(text, '{ q5'),
        message:
          'leaves the required question q4 of intro unanswered; the booking page asks for every required answer',
      },
    ]);
  });

  it('a step that expects to be refused may answer wrongly', () => {
    const text = scenarioWith(
      create('{ q1: Gardening }', ', expect: { status: 400, code: InvalidAppointment }'),
    );
    expect(lines(text)).toEqual([]);
  });

  it('an update is checked against its appointment’s service: unknown questions always, options when it names the service', () => {
    const text = scenarioWith(
      create('{ q1: Tax }'),
      '  - update: { ref: a1, customer: { name: A, email: a@example.com, answers: { q1: Free text, q7: x } } }',
      '  - update: { ref: a1, service: svc1, customer: { name: A, email: a@example.com, answers: { q1: Golf } } }',
    );
    expect(lines(text).map((diagnostic) => diagnostic.message)).toEqual([
      '"q7" is not a question of svc1; its questions: q1, q2',
      '"Golf" is not an option of q1 (Topic?); its options: Tax, Audit',
    ]);
  });

  it('templated answers are left to the run', () => {
    const text = [
      'name: answers',
      'vars: { topic: Tax }',
      flows,
      'steps:',
      create('{ q1: "${topic}" }'),
      '',
    ].join('\n');
    expect(lines(text)).toEqual([]);
  });
});

describe('needs: the services a scenario drives', () => {
  it('takes a name, a loopback URL (variables allowed) and the command that starts it', () => {
    const text = [
      'name: needs',
      'vars: { crm: "http://127.0.0.1:4031" }',
      'needs:',
      '  - { name: CRM stand-in, url: "${crm}", start: npm run example -- crm-upload }',
      '  - { name: elsewhere, url: "http://example.com:80" }',
      '  - { name: a path, url: /_emulator/health }',
      '  - { url: "http://127.0.0.1:1" }',
      'steps:',
      '  - advance: { by: 1s }',
      '',
    ].join('\n');
    const file = write(text);
    expect(lintFile(file).map(formatDiagnostic)).toEqual([
      `${file}:${at(text, '"http://example.com').line}:${at(text, '"http://example.com').col} "http://example.com:80" is not on loopback; a needed service listens on only 127.0.0.1, localhost or [::1]`,
      `${file}:${at(text, '/_emulator').line}:${at(text, '/_emulator').col} "/_emulator/health" is a path; a needed service is an http URL such as http://127.0.0.1:7101`,
      `${file}:${at(text, '{ url').line}:${at(text, '{ url').col} /needs/3/name is required but missing`,
    ]);
  });
});
