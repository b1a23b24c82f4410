import { describe, expect, it } from 'vitest';
import { maxNestingDepth, nestingDepthExceeds, parseStrictJson, yamlNestingProblem } from './strict-json.js';

describe('parseStrictJson', () => {
  it('names a repeated key by its JSON pointer, through arrays and escaped names', () => {
    expect(parseStrictJson('{"a": [{"b": 1}, {"b": 1, "b": 2}]}')).toMatchObject({
      ok: false,
      pointer: '/a/1/b',
    });
    expect(parseStrictJson('{"x/y": {"~": 1, "\\u007e": 2}}')).toMatchObject({
      ok: false,
      pointer: '/x~1y/~0',
    });
  });

  it('accepts the same key in different objects, and strings that only look like keys', () => {
    expect(parseStrictJson('[{"a": 1}, {"a": 2}, {"s": "\\"a\\": 1, \\"a\\": 2"}]')).toEqual({
      ok: true,
      value: [{ a: 1 }, { a: 2 }, { s: '"a": 1, "a": 2' }],
    });
  });

  it('allows exactly the maximum depth and refuses one level more', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(parseStrictJson(nested(maxNestingDepth)).ok).toBe(true);
    expect(parseStrictJson(nested(maxNestingDepth + 1))).toMatchObject({ ok: false });
  });

  it('refuses invalid UTF-8 with the offset of the first bad byte, and overlong encodings', () => {
    expect(parseStrictJson(Buffer.from([0x22, 0x61, 0xff, 0x22]))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/offset 2/),
    });
    // "/" written in two bytes (an overlong form that once slipped past path checks).
    expect(parseStrictJson(Buffer.from([0x22, 0xc0, 0xaf, 0x22]))).toMatchObject({ ok: false });
  });

  it('refuses an unpaired surrogate escape and keeps a paired one', () => {
    expect(parseStrictJson('{"a": "\\udc00x"}')).toMatchObject({ ok: false, pointer: '/a' });
    expect(parseStrictJson('"\\ud83d\\ude00"')).toEqual({ ok: true, value: '😀' });
  });
});

describe('yamlNestingProblem', () => {
  const deep = '['.repeat(maxNestingDepth + 1);

  it('finds deep flow nesting at its line and column', () => {
    expect(yamlNestingProblem(`a: 1\nb: ${deep}`)).toMatchObject({ line: 2, col: 4 + maxNestingDepth });
  });

  it('ignores brackets in comments and quoted scalars', () => {
    expect(yamlNestingProblem(`a: "${deep}"\nb: '${deep}' # ${deep}\n`)).toBeUndefined();
  });

  it('is not fooled by an apostrophe inside a plain scalar', () => {
    expect(yamlNestingProblem(`a: don't\nb: ${deep}`)).toMatchObject({ line: 2 });
  });

  it('does not let an unclosed quote (in a block scalar) hide the rest of the file', () => {
    expect(yamlNestingProblem(`notes: |\n  "unclosed\nb: ${deep}`)).toMatchObject({ line: 3 });
  });

  it('bounds block nesting too: compact indicators on one line, and indentation', () => {
    expect(yamlNestingProblem(`a:\n  ${'- '.repeat(20_000)}x\n`)).toMatchObject({ line: 2, col: 1 });
    expect(yamlNestingProblem(`a:\n  ${'- '.repeat(10)}x\n`)).toBeUndefined();
    const indented = Array.from({ length: 300 }, (_, level) => `${' '.repeat(level)}a:`).join('\n');
    expect(yamlNestingProblem(indented)).toMatchObject({ problem: expect.stringMatching(/far deeper/) });
  });

  it('counts lines inside multi-line quoted scalars', () => {
    expect(yamlNestingProblem(`a: "one\ntwo"\nb: ${deep}`)).toMatchObject({ line: 3 });
  });
});

describe('nestingDepthExceeds', () => {
  it('measures parsed values without recursion', () => {
    let value: unknown = 1;
    for (let level = 0; level < 100_000; level++) value = { a: value };
    expect(nestingDepthExceeds(value, maxNestingDepth)).toBe(true);
    expect(nestingDepthExceeds({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestingDepthExceeds({ a: [{ b: {} }] }, 3)).toBe(true);
  });
});
