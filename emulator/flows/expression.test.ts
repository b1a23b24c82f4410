import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EmbeddedExpression,
  type ExpressionNode,
  expressionsIn,
  maxExpressionDepth,
  type ParseResult,
  parseExpression,
} from './expression.js';

/** The tree without offsets, for comparing shapes. */
type Shape =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'call'; name: string; args: Shape[] }
  | { kind: 'member'; target: Shape; key: Shape; optional: boolean; syntax: 'bracket' | 'dot' };

function shape(node: ExpressionNode): Shape {
  switch (node.kind) {
    case 'string':
      return { kind: 'string', value: node.value };
    case 'number':
      return { kind: 'number', value: node.value };
    case 'boolean':
      return { kind: 'boolean', value: node.value };
    case 'null':
      return { kind: 'null' };
    case 'call':
      return { kind: 'call', name: node.name, args: node.args.map(shape) };
    case 'member':
      return {
        kind: 'member',
        target: shape(node.target),
        key: shape(node.key),
        optional: node.optional,
        syntax: node.syntax,
      };
  }
}

function parsed(text: string): Shape {
  const result = parseExpression(text);
  if (!result.ok) throw new Error(`${text}: ${result.problem} at ${result.offset}`);
  return shape(result.node);
}

function failure(text: string): { problem: string; offset: number } {
  const result = parseExpression(text);
  if (result.ok) throw new Error(`${text} parsed`);
  return { problem: result.problem, offset: result.offset };
}

const str = (value: string): Shape => ({ kind: 'string', value });
const call = (name: string, ...args: Shape[]): Shape => ({ kind: 'call', name, args });
const at = (target: Shape, key: Shape, optional = true): Shape => ({
  kind: 'member',
  target,
  key,
  optional,
  syntax: 'bracket',
});
const dot = (target: Shape, name: string, optional = false): Shape => ({
  kind: 'member',
  target,
  key: str(name),
  optional,
  syntax: 'dot',
});

describe('parseExpression: literals', () => {
  it('reads single-quoted strings, with two quotes for one', () => {
    expect(parsed("'abc'")).toEqual(str('abc'));
    expect(parsed("''")).toEqual(str(''));
    expect(parsed("'it''s'")).toEqual(str("it's"));
    expect(parsed("''''")).toEqual(str("'"));
    expect(parsed("'a''''b'")).toEqual(str("a''b"));
    expect(parsed("'{ } @ \" \\ ( ) ,'")).toEqual(str('{ } @ " \\ ( ) ,'));
  });

  it('reads integers and decimals with a sign', () => {
    expect(parsed('0')).toEqual({ kind: 'number', value: 0 });
    expect(parsed('42')).toEqual({ kind: 'number', value: 42 });
    expect(parsed('-1')).toEqual({ kind: 'number', value: -1 });
    expect(parsed('+7')).toEqual({ kind: 'number', value: 7 });
    expect(parsed('3.25')).toEqual({ kind: 'number', value: 3.25 });
    expect(parsed('-0.5')).toEqual({ kind: 'number', value: -0.5 });
    const result = parseExpression('-1.50');
    expect(result.ok && result.node.kind === 'number' && result.node.raw).toBe('-1.50');
  });

  it('reads true, false and null', () => {
    expect(parsed('true')).toEqual({ kind: 'boolean', value: true });
    expect(parsed('false')).toEqual({ kind: 'boolean', value: false });
    expect(parsed('null')).toEqual({ kind: 'null' });
    expect(parsed('NULL')).toEqual({ kind: 'null' });
  });
});

describe('parseExpression: calls and access', () => {
  it('reads function calls with any number of arguments', () => {
    expect(parsed('utcNow()')).toEqual(call('utcNow'));
    expect(parsed("formatDateTime(triggerBody()?['StartTime'], 'yyyy-MM-dd')")).toEqual(
      call('formatDateTime', at(call('triggerBody'), str('StartTime')), str('yyyy-MM-dd')),
    );
    expect(parsed("addMinutes(utcNow(), -30, 'o')")).toEqual(
      call('addMinutes', call('utcNow'), { kind: 'number', value: -30 }, str('o')),
    );
    expect(parsed("coalesce(null, '', 1, true)")).toEqual(
      call(
        'coalesce',
        { kind: 'null' },
        str(''),
        { kind: 'number', value: 1 },
        { kind: 'boolean', value: true },
      ),
    );
    expect(parsed("parameters('$connections')")).toEqual(call('parameters', str('$connections')));
  });

  it('keeps the name as written and accepts a dotted name', () => {
    expect(parsed('TriggerBody()')).toEqual(call('TriggerBody'));
    expect(parsed('a.b.c(1)')).toEqual(call('a.b.c', { kind: 'number', value: 1 }));
  });

  it('reads every form of member access after any expression', () => {
    const outputs = call('triggerOutputs');
    expect(parsed("triggerOutputs()?['body/StartTime']")).toEqual(at(outputs, str('body/StartTime')));
    expect(parsed("triggerOutputs()['body']['X']")).toEqual(
      at(at(outputs, str('body'), false), str('X'), false),
    );
    expect(parsed('triggerOutputs().body.X')).toEqual(dot(dot(outputs, 'body'), 'X'));
    expect(parsed('triggerOutputs()?.body?.X')).toEqual(dot(dot(outputs, 'body', true), 'X', true));
    expect(parsed("items('Loop')[0]")).toEqual(
      at(call('items', str('Loop')), { kind: 'number', value: 0 }, false),
    );
    expect(parsed("body('A')?[variables('k')]")).toEqual(
      at(call('body', str('A')), call('variables', str('k'))),
    );
    expect(parsed("'abc'[1]")).toEqual(at(str('abc'), { kind: 'number', value: 1 }, false));
    expect(parsed("parameters('$connections').shared_x.$id")).toEqual(
      dot(dot(call('parameters', str('$connections')), 'shared_x'), '$id'),
    );
  });

  it('allows whitespace between any two tokens', () => {
    const tight = parsed("first(triggerOutputs()?['body/StaffMembers'])?['EmailAddress']");
    const loose = parsed(
      " \t first ( triggerOutputs ( ) ? [ 'body/StaffMembers' ] \n) ?\r\n[ 'EmailAddress' ] \u00a0",
    );
    expect(loose).toEqual(tight);
    expect(parsed('x ( ) ? . y . z')).toEqual(dot(dot(call('x'), 'y', true), 'z'));
  });

  it('records where each node stands in the text', () => {
    const result = parseExpression("  first(triggerBody()?['A'])");
    if (!result.ok) throw new Error(result.problem);
    expect(result.node).toMatchObject({ kind: 'call', start: 2, end: 28 });
    if (result.node.kind !== 'call') throw new Error('not a call');
    expect(result.node.args[0]).toMatchObject({
      kind: 'member',
      start: 8,
      end: 27,
      key: { start: 23, end: 26 },
    });
  });
});

describe('parseExpression: problems and where they are', () => {
  it.each([
    ['', 'expected a value', 0],
    ['   ', 'expected a value', 3],
    ['triggerBody', "'triggerBody' is not a function call", 11],
    ['a.b', "'a.b' is not a function call", 3],
    ["'abc", 'unterminated string', 0],
    ["f('it''s)", 'unterminated string', 2],
    ['f(', 'expected a value', 2],
    ['f(1', "expected ',' or ')'", 3],
    ['f(1 2)', "expected ',' or ')'", 4],
    ['f(1,)', "unexpected ')'", 4],
    ["f()?['a'", "expected ']'", 8],
    ['f()?x', "expected '[' or '.' after '?'", 4],
    ['f().', "expected a property name after '.'", 4],
    ['f().1', "expected a property name after '.'", 4],
    ['-x', "expected a digit after '-'", 1],
    ['(1)', "unexpected '('", 0],
    ['f() g()', "unexpected 'g' after the end of the expression", 4],
    ['f()}', "unexpected '}' after the end", 3],
    ['1.', "expected a property name after '.'", 2],
    ['#', "unexpected '#'", 0],
  ])('%j: %s at %i', (text, problem, offset) => {
    const result = failure(text);
    expect(result.problem).toContain(problem);
    expect(result.offset).toBe(offset);
  });

  it('bounds nesting and reports it instead of overflowing the stack', () => {
    for (const text of [
      'f('.repeat(10_000),
      `${'f('.repeat(10_000)}1${')'.repeat(10_000)}`,
      `a()${'[a()'.repeat(10_000)}`,
      `a()${"['x']".repeat(10_000)}`,
      `a()${'?.x'.repeat(10_000)}`,
      // 150 nested calls, each with one access: the recursion stays under the bound, the tree does not.
      Array.from({ length: 150 }).reduce<string>((inner) => `f(${inner})['k']`, 'a()'),
    ]) {
      const result = failure(text);
      expect(result.problem).toBe(`the expression nests deeper than ${maxExpressionDepth} levels`);
    }
    expect(failure('('.repeat(10_000))).toMatchObject({ offset: 0 });
  });

  it('accepts nesting up to the bound', () => {
    const depth = maxExpressionDepth - 1;
    expect(parseExpression(`${'f('.repeat(depth)}1${')'.repeat(depth)}`).ok).toBe(true);
    expect(parseExpression(`a()${"['x']".repeat(depth)}`).ok).toBe(true);
    expect(parseExpression(`a()${"['x']".repeat(maxExpressionDepth)}`).ok).toBe(false);
  });
});

describe('expressionsIn: the string forms of a definition', () => {
  const texts = (value: string) => expressionsIn(value).map((found) => found.text);

  it('reads a string starting with @ as one expression', () => {
    const [found, ...rest] = expressionsIn("@triggerOutputs()?['body/StartTime']");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ text: "triggerOutputs()?['body/StartTime']", offset: 1, form: 'whole' });
    expect(found && 'node' in found && shape(found.node)).toEqual(
      at(call('triggerOutputs'), str('body/StartTime')),
    );
  });

  it('treats other strings as literal text, and @@ as an escaped @', () => {
    expect(expressionsIn('plain text')).toEqual([]);
    expect(expressionsIn('')).toEqual([]);
    expect(expressionsIn('mail me @ noon, user@example.com')).toEqual([]);
    expect(expressionsIn("@@triggerBody()?['X']")).toEqual([]);
    expect(expressionsIn('@@{triggerBody()}')).toEqual([]);
    expect(expressionsIn("Count: @@{triggerBody()?['X']}")).toEqual([]);
    expect(expressionsIn('ends with @')).toEqual([]);
    expect(expressionsIn('@')).toMatchObject([{ text: '', form: 'whole', problem: expect.any(String) }]);
  });

  it('reads every @{…} part of an interpolated string', () => {
    const found = expressionsIn(
      "Hello @{triggerBody()?['CustomerName']}, at @{triggerBody()?['StartTime']}!",
    );
    expect(found.map(({ text, offset, form }) => ({ text, offset, form }))).toEqual([
      { text: "triggerBody()?['CustomerName']", offset: 8, form: 'interpolation' },
      { text: "triggerBody()?['StartTime']", offset: 46, form: 'interpolation' },
    ]);
    expect(found.every((one) => 'node' in one)).toBe(true);
    expect(texts('@{a()}@{b()}')).toEqual(['a()', 'b()']);
    expect(texts('@{a()}')).toEqual(['a()']);
    expect(texts('x @@{no()} @{yes()}')).toEqual(['yes()']);
  });

  it('does not end an interpolation at a brace inside a quoted string', () => {
    expect(texts("@{concat('}', triggerBody()?['A'], '{')} tail")).toEqual([
      "concat('}', triggerBody()?['A'], '{')",
    ]);
    expect(texts("a @{replace(x(), '''}''', '')} b @{y()}")).toEqual(["replace(x(), '''}''', '')", 'y()']);
    const [only] = expressionsIn("@{concat('it''s }', b())}");
    expect(only && 'node' in only && shape(only.node)).toEqual(call('concat', str("it's }"), call('b')));
  });

  it('reports parts that do not parse, with offsets in their text', () => {
    const found = expressionsIn("ok @{a()} bad @{b(} worse @{c('x}");
    expect(found.map(describeFound)).toEqual([
      { text: 'a()', offset: 5 },
      { text: 'b(', offset: 16, problem: 'expected a value', problemOffset: 2 },
      { text: "c('x}", offset: 28, problem: "unterminated '@{'", problemOffset: 5 },
    ]);
    expect(expressionsIn('@{}').map(describeFound)).toEqual([
      { text: '', offset: 2, problem: 'expected a value', problemOffset: 0 },
    ]);
  });
});

function describeFound(found: EmbeddedExpression) {
  const { text, offset } = found;
  if ('node' in found) return { text, offset };
  const problem = found.problem.startsWith('unterminated') ? "unterminated '@{'" : 'expected a value';
  return { text, offset, problem, problemOffset: found.problemOffset };
}

describe('never throws (fuzz)', () => {
  /** A plain check: `expect` costs more than the parse in a 2,000-run property. */
  function check(condition: boolean, what: string, text: string): void {
    if (!condition) throw new Error(`${what}: ${JSON.stringify(text)}`);
  }

  /** The contract of a result: offsets inside the text, no internal errors. */
  function checkResult(text: string, result: ParseResult): void {
    if (result.ok) {
      check(result.node.start >= 0 && result.node.end <= text.length, 'node outside the text', text);
    } else {
      check(!result.problem.includes('internal'), result.problem, text);
      check(result.offset >= 0 && result.offset <= text.length, 'problem offset outside the text', text);
    }
  }

  function checkEmbedded(value: string): void {
    for (const found of expressionsIn(value)) {
      check(
        value.slice(found.offset, found.offset + found.text.length) === found.text,
        'text not at offset',
        value,
      );
      if ('problem' in found) {
        check(!found.problem.includes('internal'), found.problem, value);
        check(found.problemOffset >= 0 && found.problemOffset <= found.text.length, 'offset outside', value);
      }
    }
  }

  const tokens = [
    'triggerOutputs',
    'triggerBody',
    'items',
    'first',
    'body',
    'x.y',
    '(',
    ')',
    '?',
    '[',
    ']',
    '.',
    ',',
    "'",
    "''",
    "'body/StartTime'",
    "'}'",
    '@',
    '@@',
    '@{',
    '}',
    '{',
    ' ',
    '\n',
    '0',
    '-',
    '-1.5',
    '+',
    '1.',
    'true',
    'null',
    '$x',
    '\u00e9',
    '\ud83d',
    '\u0000',
  ];
  const tokenText = fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((parts) => parts.join(''));

  /** Any UTF-16 code unit, lone surrogates included (fc's 'binary' unit is slow to generate under vitest). */
  const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
  const asciiUnit = fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code));

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: codeUnit, maxLength: 200 }),
          fc.string({ unit: asciiUnit, maxLength: 200 }),
        ),
        (text) => {
          checkResult(text, parseExpression(text));
          checkEmbedded(text);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("on strings built from the grammar's tokens", () => {
    fc.assert(
      fc.property(tokenText, (text) => {
        checkResult(text, parseExpression(text));
        checkEmbedded(text);
        checkEmbedded(`@${text}`);
        checkEmbedded(`a @{${text}} b`);
      }),
      { numRuns: 2_000 },
    );
  });

  it('on long runs of any one token', () => {
    for (const token of tokens) {
      const text = token.repeat(20_000 / Math.max(1, token.length));
      checkResult(text, parseExpression(text));
      checkEmbedded(text);
      checkEmbedded(`@${text}`);
    }
  });
});

describe('printed trees parse back to themselves (property)', () => {
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
  const propertyName = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,8}$/);
  const keyword = (text: string) => ['true', 'false', 'null'].includes(text.toLowerCase());
  const space = fc.constantFrom('', ' ', '  ', '\n', '\t');

  const { tree } = fc.letrec<{ tree: Shape; leaf: Shape; node: Shape }>((tie) => ({
    leaf: fc.oneof(
      fc.string({ maxLength: 10 }).map(str),
      fc.integer({ min: -1_000, max: 1_000 }).map((value): Shape => ({ kind: 'number', value })),
      fc.boolean().map((value): Shape => ({ kind: 'boolean', value })),
      fc.constant<Shape>({ kind: 'null' }),
    ),
    node: fc.oneof(
      fc.record({
        kind: fc.constant<'call'>('call'),
        name: name.filter((text) => !keyword(text)),
        args: fc.array(tie('tree'), { maxLength: 3 }),
      }),
      fc.record({
        kind: fc.constant<'member'>('member'),
        target: tie('tree'),
        key: tie('tree'),
        optional: fc.boolean(),
        syntax: fc.constant<'bracket'>('bracket'),
      }),
      fc
        .record({ target: tie('tree'), key: propertyName, optional: fc.boolean() })
        .map(({ target, key, optional }): Shape => dot(target, key, optional)),
    ),
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('node')),
  }));

  function print(node: Shape, gap: () => string): string {
    switch (node.kind) {
      case 'string':
        return `'${node.value.replaceAll("'", "''")}'`;
      case 'number':
        return String(node.value);
      case 'boolean':
      case 'null':
        return node.kind === 'null' ? 'null' : String(node.value);
      case 'call':
        return `${node.name}${gap()}(${node.args.map((arg) => `${gap()}${print(arg, gap)}${gap()}`).join(',')})`;
      case 'member': {
        const question = node.optional ? `?${gap()}` : '';
        const key =
          node.syntax === 'dot' && node.key.kind === 'string'
            ? `.${gap()}${node.key.value}`
            : `[${gap()}${print(node.key, gap)}${gap()}]`;
        return `${print(node.target, gap)}${gap()}${question}${key}`;
      }
    }
  }

  it('for any tree and spacing', () => {
    fc.assert(
      fc.property(tree, fc.array(space, { minLength: 1, maxLength: 20 }), (node, gaps) => {
        let index = 0;
        const gap = () => gaps[index++ % gaps.length] ?? '';
        const text = print(node, gap);
        expect(parsed(text)).toEqual(node);
        // Inside an interpolation too: braces and quotes in its strings do not end it early.
        const [found, ...rest] = expressionsIn(`x @{${text}} y`);
        expect(rest).toEqual([]);
        expect(found && 'node' in found && shape(found.node)).toEqual(node);
      }),
      { numRuns: 1_000 },
    );
  });
});
