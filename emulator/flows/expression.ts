/**
 * A parser for the expression language of the Workflow Definition Language (Power Automate and
 * Logic Apps), and for the two ways a definition's JSON strings hold expressions.
 *
 * The grammar (whitespace may stand between any two tokens):
 *
 *     expression = primary { access } ;
 *     access     = [ "?" ] ( "[" expression "]" | "." name ) ;
 *     primary    = string | number | "true" | "false" | "null" | call ;
 *     call       = function "(" [ expression { "," expression } ] ")" ;
 *     function   = identifier { "." identifier } ;          (no spaces inside a dotted name)
 *     string     = "'" { any character but "'" | "''" } "'" ;   ('' is one quote)
 *     number     = [ "+" | "-" ] digit { digit } [ "." digit { digit } ] ;
 *     identifier = ( letter | "_" ) { letter | digit | "_" } ;
 *     name       = ( letter | "_" | "$" ) { letter | digit | "_" | "$" } ;
 *
 * There are no operators and no parentheses for grouping in the language. Keywords are matched
 * without regard to case; a bare identifier that is not a keyword and not followed by "(" is an
 * error, as in the engine. Nesting is bounded ({@link maxExpressionDepth}) so that no input can
 * exhaust the stack of this parser or of a recursive walk over its tree.
 *
 * In a definition, a JSON string that starts with "@" is one expression (the rest of the string),
 * "@@" at the start escapes a literal "@", and any other string is literal text with `@{…}`
 * interpolations in it, where "@@{" is a literal "@{".
 */

/** How deep a tree may nest: calls, indexes and the links of an access chain all count. */
export const maxExpressionDepth = 200;

interface Span {
  /** Offset of the node's first character in the parsed text. */
  start: number;
  /** Offset just past the node's last character. */
  end: number;
}

interface StringLiteral extends Span {
  kind: 'string';
  /** The value, with '' unescaped. */
  value: string;
}

interface NumberLiteral extends Span {
  kind: 'number';
  value: number;
  /** The literal as written: "-1.50". */
  raw: string;
}

interface BooleanLiteral extends Span {
  kind: 'boolean';
  value: boolean;
}

interface NullLiteral extends Span {
  kind: 'null';
}

interface FunctionCall extends Span {
  kind: 'call';
  /** The function name as written (the engine ignores its case). */
  name: string;
  args: ExpressionNode[];
}

/** `target?['key']`, `target['key']`, `target[0]`, `target[expr]`, `target.key`, `target?.key`. */
interface MemberAccess extends Span {
  kind: 'member';
  target: ExpressionNode;
  /** For `.key` a string literal spanning the name. */
  key: ExpressionNode;
  /** Written with `?`: null when the target is null instead of failing. */
  optional: boolean;
  syntax: 'bracket' | 'dot';
}

export type ExpressionNode =
  | StringLiteral
  | NumberLiteral
  | BooleanLiteral
  | NullLiteral
  | FunctionCall
  | MemberAccess;

export type ParseResult =
  | { ok: true; node: ExpressionNode }
  | {
      ok: false;
      problem: string;
      /** Offset in the parsed text where the problem was found. */
      offset: number;
    };

/** Raised inside the parser only; {@link parseExpression} turns it into a result. */
class ParseFailure {
  constructor(
    readonly problem: string,
    readonly offset: number,
  ) {}
}

function isSpace(code: number): boolean {
  // space, tab, line feed, vertical tab, form feed, carriage return, no-break space
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

const identifierStart = /^[\p{L}_]$/u;
const identifierPart = /^[\p{L}\p{N}_]$/u;
const nameStart = /^[\p{L}_$]$/u;
const namePart = /^[\p{L}\p{N}_$]$/u;

function describe(char: string | undefined): string {
  return char === undefined ? 'the end of the expression' : `'${char}'`;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseWhole(): ExpressionNode {
    const { node } = this.expression(1);
    this.skipSpace();
    if (this.pos < this.text.length) {
      throw new ParseFailure(
        `unexpected ${describe(this.text[this.pos])} after the end of the expression`,
        this.pos,
      );
    }
    return node;
  }

  private fail(problem: string, offset = this.pos): never {
    throw new ParseFailure(problem, offset);
  }

  private tooDeep(offset: number): never {
    this.fail(`the expression nests deeper than ${maxExpressionDepth} levels`, offset);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  /**
   * `level` counts the open calls and brackets around this expression (bounds the recursion);
   * the returned height is the depth of the tree built (bounds later walks over it).
   */
  private expression(level: number): { node: ExpressionNode; height: number } {
    if (level > maxExpressionDepth) this.tooDeep(this.pos);
    this.skipSpace();
    let { node, height } = this.primary(level);
    for (;;) {
      this.skipSpace();
      const accessStart = this.pos;
      let optional = false;
      if (this.peek() === '?') {
        optional = true;
        this.pos++;
        this.skipSpace();
        if (this.peek() !== '[' && this.peek() !== '.') {
          this.fail(`expected '[' or '.' after '?', found ${describe(this.peek())}`);
        }
      }
      const char = this.peek();
      if (char === '[') {
        this.pos++;
        const key = this.expression(level + 1);
        this.skipSpace();
        if (this.peek() !== ']') this.fail(`expected ']', found ${describe(this.peek())}`);
        this.pos++;
        height = Math.max(height, key.height) + 1;
        node = {
          kind: 'member',
          target: node,
          key: key.node,
          optional,
          syntax: 'bracket',
          start: node.start,
          end: this.pos,
        };
      } else if (char === '.') {
        this.pos++;
        this.skipSpace();
        const nameAt = this.pos;
        const name = this.readWhile(nameStart, namePart);
        if (name === '') this.fail(`expected a property name after '.', found ${describe(this.peek())}`);
        height += 1;
        const key: StringLiteral = { kind: 'string', value: name, start: nameAt, end: this.pos };
        node = {
          kind: 'member',
          target: node,
          key,
          optional,
          syntax: 'dot',
          start: node.start,
          end: this.pos,
        };
      } else {
        break;
      }
      if (height > maxExpressionDepth) this.tooDeep(accessStart);
    }
    return { node, height };
  }

  private primary(level: number): { node: ExpressionNode; height: number } {
    const start = this.pos;
    const char = this.peek();
    if (char === "'") return { node: this.string(), height: 1 };
    if (isDigit(char) || ((char === '-' || char === '+') && isDigit(this.text[this.pos + 1]))) {
      return { node: this.number(), height: 1 };
    }
    if (char === '-' || char === '+') this.fail(`expected a digit after '${char}'`, this.pos + 1);
    const first = this.readWhile(identifierStart, identifierPart);
    if (first === '') {
      if (char === undefined) this.fail('expected a value: the expression is empty or ends too early');
      this.fail(
        `unexpected ${describe(char)}: expected a string, a number, true, false, null or a function call`,
      );
    }
    const afterFirst = this.pos;
    this.skipSpace();
    if (this.peek() === '(') return this.call(first, start, level);
    const keyword = first.toLowerCase();
    if (keyword === 'true' || keyword === 'false') {
      this.pos = afterFirst;
      return { node: { kind: 'boolean', value: keyword === 'true', start, end: afterFirst }, height: 1 };
    }
    if (keyword === 'null') {
      this.pos = afterFirst;
      return { node: { kind: 'null', start, end: afterFirst }, height: 1 };
    }
    // A dotted function name: a.b(…). Only without spaces, so `x.y` stays an access elsewhere.
    this.pos = afterFirst;
    let name = first;
    while (this.peek() === '.' && identifierStart.test(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      name += `.${this.readWhile(identifierStart, identifierPart)}`;
    }
    const afterName = this.pos;
    this.skipSpace();
    if (this.peek() === '(') return this.call(name, start, level);
    this.fail(`'${name}' is not a function call: expected '(' after it`, afterName);
  }

  private call(name: string, start: number, level: number): { node: ExpressionNode; height: number } {
    if (level + 1 > maxExpressionDepth) this.tooDeep(this.pos);
    this.pos++; // (
    const args: ExpressionNode[] = [];
    let height = 1;
    this.skipSpace();
    if (this.peek() === ')') {
      this.pos++;
    } else {
      for (;;) {
        const arg = this.expression(level + 1);
        args.push(arg.node);
        height = Math.max(height, arg.height + 1);
        this.skipSpace();
        const next = this.peek();
        this.pos++;
        if (next === ')') break;
        if (next !== ',') {
          this.fail(
            `expected ',' or ')' in the arguments of ${name}(), found ${describe(next)}`,
            this.pos - 1,
          );
        }
      }
    }
    if (height > maxExpressionDepth) this.tooDeep(start);
    return { node: { kind: 'call', name, args, start, end: this.pos }, height };
  }

  private string(): StringLiteral {
    const start = this.pos;
    this.pos++;
    let value = '';
    for (;;) {
      const close = this.text.indexOf("'", this.pos);
      if (close < 0) this.fail('unterminated string: no closing quote', start);
      value += this.text.slice(this.pos, close);
      this.pos = close + 1;
      if (this.text[this.pos] !== "'") break;
      value += "'";
      this.pos++;
    }
    return { kind: 'string', value, start, end: this.pos };
  }

  private number(): NumberLiteral {
    const start = this.pos;
    if (this.peek() === '-' || this.peek() === '+') this.pos++;
    while (isDigit(this.peek())) this.pos++;
    if (this.peek() === '.' && isDigit(this.text[this.pos + 1])) {
      this.pos++;
      while (isDigit(this.peek())) this.pos++;
    }
    const raw = this.text.slice(start, this.pos);
    return { kind: 'number', value: Number(raw), raw, start, end: this.pos };
  }

  private readWhile(startPattern: RegExp, partPattern: RegExp): string {
    const begin = this.pos;
    if (!startPattern.test(this.text[this.pos] ?? '')) return '';
    this.pos++;
    while (this.pos < this.text.length && partPattern.test(this.text[this.pos] ?? '')) this.pos++;
    return this.text.slice(begin, this.pos);
  }
}

/** Parses one expression (the text after "@", or inside "@{ }"). Never throws. */
export function parseExpression(text: string): ParseResult {
  try {
    return { ok: true, node: new Parser(text).parseWhole() };
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, problem: error.problem, offset: error.offset };
    // Not expected: a fault of this parser, reported instead of thrown (the fuzz test watches for it).
    return { ok: false, problem: `internal parser error: ${String(error)}`, offset: 0 };
  }
}

/** One expression found in a definition's string value. */
export type EmbeddedExpression = {
  /** The expression text: after the leading "@", or between "@{" and "}". */
  text: string;
  /** Where `text` starts in the string value. */
  offset: number;
  /** "whole": the value is `@expression`; "interpolation": an `@{expression}` part. */
  form: 'whole' | 'interpolation';
} & ({ node: ExpressionNode } | { problem: string; problemOffset: number });

/**
 * The expressions in a JSON string value of a definition: none for literal text, one for
 * `@expression`, one per `@{…}` part otherwise. Problem offsets are relative to `text`. Never throws.
 */
export function expressionsIn(value: string): EmbeddedExpression[] {
  if (value.startsWith('@') && !value.startsWith('@@') && !value.startsWith('@{')) {
    return [withParse(value.slice(1), 1, 'whole')];
  }
  const found: EmbeddedExpression[] = [];
  let index = value.startsWith('@@') ? 2 : 0;
  for (;;) {
    const at = value.indexOf('@', index);
    if (at < 0 || at + 1 >= value.length) break;
    if (value[at + 1] === '@' && value[at + 2] === '{') {
      index = at + 3; // "@@{" is a literal "@{"
      continue;
    }
    if (value[at + 1] !== '{') {
      index = at + 1;
      continue;
    }
    const textStart = at + 2;
    const close = closingBrace(value, textStart);
    if (close < 0) {
      found.push({
        text: value.slice(textStart),
        offset: textStart,
        form: 'interpolation',
        problem: "unterminated '@{': no closing '}'",
        problemOffset: value.length - textStart,
      });
      break;
    }
    found.push(withParse(value.slice(textStart, close), textStart, 'interpolation'));
    index = close + 1;
  }
  return found;
}

/** The offset of the "}" that ends an interpolation: the first one outside a quoted string. */
function closingBrace(value: string, from: number): number {
  let quoted = false;
  for (let index = from; index < value.length; index++) {
    const char = value[index];
    // '' inside a string toggles twice and stays quoted.
    if (char === "'") quoted = !quoted;
    else if (char === '}' && !quoted) return index;
  }
  return -1;
}

function withParse(text: string, offset: number, form: 'whole' | 'interpolation'): EmbeddedExpression {
  const parsed = parseExpression(text);
  return parsed.ok
    ? { text, offset, form, node: parsed.node }
    : { text, offset, form, problem: parsed.problem, problemOffset: parsed.offset };
}
