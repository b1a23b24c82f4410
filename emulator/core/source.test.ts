import { describe, expect, it } from 'vitest';
import { positionIn as at } from '../testing/scenario-files.js';
import { type Diagnostic, formatDiagnostic, SourceDocument } from './source.js';

const scenarioText = [
  'name: positions',
  'flows:',
  '  - name: on-create',
  '    mailbox: lunch@contoso.example',
  '    as: adele@contoso.example',
  '    trigger: created',
  '    url: "inbox:c"',
  'steps:',
  '  - subscribe: { flow: on-create }',
  '  - create:',
  '      ref: a1',
  '      service: svc1',
  '      start: 2026-01-06T09:00:00Z',
  '      customer: { name: Jordan, email: j@example.com }',
  '  - expect: { flow: on-create, count: 1 }',
  '',
].join('\n');

describe('SourceDocument', () => {
  it('parses YAML into a plain value with no syntax errors', () => {
    const source = new SourceDocument('s.yaml', scenarioText);
    expect(source.syntaxErrors).toEqual([]);
    expect(source.value).toMatchObject({
      name: 'positions',
      steps: [
        { subscribe: { flow: 'on-create' } },
        { create: { ref: 'a1', service: 'svc1', start: '2026-01-06T09:00:00Z' } },
        { expect: { flow: 'on-create', count: 1 } },
      ],
    });
  });

  it('maps a pointer to the value the user wrote, in block and in flow style', () => {
    const source = new SourceDocument('s.yaml', scenarioText);
    expect(source.positionOf('/name')).toEqual(at(scenarioText, 'positions'));
    expect(source.positionOf('/flows/0/mailbox')).toEqual(at(scenarioText, 'lunch@contoso.example'));
    expect(source.positionOf('/steps/1/create/service')).toEqual(at(scenarioText, 'svc1'));
    expect(source.positionOf('/steps/1/create/start')).toEqual(at(scenarioText, '2026-01-06T09:00:00Z'));
    expect(source.positionOf('/steps/2/expect/count')).toEqual(at(scenarioText, '1 }'));
    expect(source.positionOf('/steps/1/create/customer/email')).toEqual(at(scenarioText, 'j@example.com'));
    expect(source.positionOf('/steps/0/subscribe')).toEqual(at(scenarioText, '{ flow: on-create }'));
  });

  it('maps a pointer to the key when asked for the key', () => {
    const source = new SourceDocument('s.yaml', scenarioText);
    expect(source.positionOf('/flows/0/trigger', { key: true })).toEqual(at(scenarioText, 'trigger'));
    expect(source.positionOf('/steps/1/create/customer', { key: true })).toEqual(
      at(scenarioText, 'customer:'),
    );
    expect(source.positionOf('/steps/2/expect', { key: true })).toEqual(at(scenarioText, 'expect:'));
  });

  it('maps a missing property to the nearest node that exists (the object that lacks it)', () => {
    const source = new SourceDocument('s.yaml', scenarioText);
    expect(source.positionOf('/steps/1/create/mailbox')).toEqual(at(scenarioText, 'ref: a1'));
    expect(source.positionOf('/steps/2/expect/payload/Name')).toEqual(
      at(scenarioText, '{ flow: on-create, count'),
    );
    expect(source.positionOf('/steps/9')).toEqual(at(scenarioText, '- subscribe'));
    expect(source.positionOf('')).toEqual({ line: 1, col: 1 });
  });

  it('unescapes ~1 and ~0 in pointer tokens', () => {
    const text = 'payload:\n  a/b: one\n  c~d: two\n';
    const source = new SourceDocument('p.yaml', text);
    expect(source.positionOf('/payload/a~1b')).toEqual(at(text, 'one'));
    expect(source.positionOf('/payload/c~0d')).toEqual(at(text, 'two'));
  });

  it('keeps positions for JSON text too', () => {
    const text = '{\n  "name": "j",\n  "steps": [\n    { "advance": { "by": 5 } }\n  ]\n}\n';
    const source = new SourceDocument('j.json', text);
    expect(source.syntaxErrors).toEqual([]);
    expect(source.value).toEqual({ name: 'j', steps: [{ advance: { by: 5 } }] });
    expect(source.positionOf('/steps/0/advance/by')).toEqual(at(text, '5 }'));
    expect(source.positionOf('/steps/0/advance', { key: true })).toEqual(at(text, '"advance"'));
  });

  it('diagnosticAt and formatDiagnostic give FILE:LINE:COL message', () => {
    const source = new SourceDocument('dir/s.yaml', scenarioText);
    const diagnostic = source.diagnosticAt('/steps/1/create/service', 'no such service');
    const { line, col } = at(scenarioText, 'svc1');
    expect(diagnostic).toEqual({ file: 'dir/s.yaml', line, col, message: 'no such service' });
    expect(formatDiagnostic(diagnostic)).toBe(`dir/s.yaml:${line}:${col} no such service`);
  });

  describe('broken input comes back as diagnostics, never as an exception', () => {
    const expectPositioned = (errors: Diagnostic[], file: string) => {
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error.file).toBe(file);
        expect(error.line).toBeGreaterThanOrEqual(1);
        expect(error.col).toBeGreaterThanOrEqual(1);
        expect(error.message.length).toBeGreaterThan(0);
        // The position is in the fields, not repeated in the message.
        expect(error.message).not.toMatch(/at line \d+, column \d+/);
      }
    };

    it('an unclosed flow mapping is reported where it goes wrong', () => {
      const text = 'name: syntax\nsteps:\n  - advance: { by: 1s\n  - create: { ref: a }\n';
      let source: SourceDocument | undefined;
      expect(() => {
        source = new SourceDocument('bad.yaml', text);
      }).not.toThrow();
      expectPositioned(source?.syntaxErrors ?? [], 'bad.yaml');
      expect(source?.value).toBeUndefined();
      // The problem is on or after the line of the unclosed brace, not at the top of the file.
      expect(source?.syntaxErrors[0]?.line).toBeGreaterThanOrEqual(3);
    });

    it('a tab-indented or badly indented block is a syntax error with its line', () => {
      const text = 'name: x\nsteps:\n  - advance:\n      by: 1s\n    to: nope\n   bad: indentation\n';
      const source = new SourceDocument('indent.yaml', text);
      expectPositioned(source.syntaxErrors, 'indent.yaml');
      expect(source.syntaxErrors.some((error) => error.line >= 5)).toBe(true);
    });

    it('a duplicate key is an error at the second key', () => {
      const text = 'name: one\nsteps: []\nname: two\n';
      const source = new SourceDocument('dup.yaml', text);
      expectPositioned(source.syntaxErrors, 'dup.yaml');
      expect(source.syntaxErrors).toHaveLength(1);
      expect(source.syntaxErrors[0]).toMatchObject({ ...at(text, 'name: two') });
      expect(source.syntaxErrors[0]?.message).toMatch(/unique/i);
      expect(source.value).toBeUndefined();
    });

    it('a duplicate key deep inside a step is an error at that key', () => {
      const text = 'name: x\nsteps:\n  - create: { ref: a1, service: svc1, ref: a2 }\n';
      const source = new SourceDocument('dup2.yaml', text);
      expect(source.syntaxErrors).toHaveLength(1);
      expect(source.syntaxErrors[0]).toMatchObject({ file: 'dup2.yaml', ...at(text, 'ref: a2') });
    });

    it('an alias bomb stops at the alias cap instead of filling memory', () => {
      const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
      const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (const [index, name] of names.slice(1).entries()) {
        const previous = names[index];
        lines.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(',')}]`);
      }
      lines.push('name: bomb', 'steps: [{ advance: { by: 1s } }]', '');
      const text = lines.join('\n');
      let source: SourceDocument | undefined;
      expect(() => {
        source = new SourceDocument('bomb.yaml', text);
      }).not.toThrow();
      expectPositioned(source?.syntaxErrors ?? [], 'bomb.yaml');
      expect(source?.syntaxErrors.map((error) => error.message).join('\n')).toMatch(/alias/i);
      expect(source?.value).toBeUndefined();
    });

    it('a few aliases within the cap are expanded normally', () => {
      const text = 'base: &c { name: A, email: a@example.com }\nlist: [*c, *c]\n';
      const source = new SourceDocument('alias.yaml', text);
      expect(source.syntaxErrors).toEqual([]);
      expect(source.value).toEqual({
        base: { name: 'A', email: 'a@example.com' },
        list: [
          { name: 'A', email: 'a@example.com' },
          { name: 'A', email: 'a@example.com' },
        ],
      });
    });

    it('an undefined alias is a diagnostic, not a crash', () => {
      const text = 'name: x\nsteps:\n  - *missing\n';
      let source: SourceDocument | undefined;
      expect(() => {
        source = new SourceDocument('alias.yaml', text);
      }).not.toThrow();
      expectPositioned(source?.syntaxErrors ?? [], 'alias.yaml');
    });

    it('broken JSON is a positioned diagnostic too', () => {
      const text = '{\n  "name": "j",\n  "steps": [\n    { "advance": { "by": "1s" } \n  ]\n}\n';
      const source = new SourceDocument('bad.json', text);
      expectPositioned(source.syntaxErrors, 'bad.json');
      expect(source.syntaxErrors[0]?.line).toBeGreaterThanOrEqual(4);
    });
  });
});
