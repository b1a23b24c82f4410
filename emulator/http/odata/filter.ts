import { errors } from '../../core/errors.js';
import type { EntityType } from './entity-type.js';

/** A JSON value a filter compares: what a literal or a property holds. */
type Scalar = string | number | boolean | null;

type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
type StringFunction = 'startswith' | 'endswith' | 'contains';
type CaseFunction = 'tolower' | 'toupper';

export type FilterExpression =
  | { kind: 'literal'; value: Scalar }
  | { kind: 'property'; path: readonly string[] }
  | { kind: 'compare'; operator: ComparisonOperator; left: FilterExpression; right: FilterExpression }
  | { kind: 'logical'; operator: 'and' | 'or'; left: FilterExpression; right: FilterExpression }
  | { kind: 'not'; operand: FilterExpression }
  | { kind: 'match'; name: StringFunction; text: FilterExpression; part: FilterExpression }
  | { kind: 'case'; name: CaseFunction; text: FilterExpression };

type Token =
  | { kind: 'string' | 'word' | 'punctuation'; text: string; at: number }
  | { kind: 'number'; value: number; text: string; at: number }
  | { kind: 'end'; text: string; at: number };

const comparisonOperators = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const stringFunctions = new Set<string>(['startswith', 'endswith', 'contains']);
const caseFunctions = new Set<string>(['tolower', 'toupper']);

/** Date-times and dates are OData literals without quotes (createdDateTime ge 2026-01-06T00:00:00Z). */
const dateTimeLiteral = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/;
const numberLiteral = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;
const pathLiteral = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*/;

const invalid = (problem: string) =>
  errors.invalidGraphRequest('query:$filter', `(Invalid filter clause) ${problem}`);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const char = rest[0] ?? '';
    if ('(),'.includes(char)) {
      tokens.push({ kind: 'punctuation', text: char, at });
      at += 1;
      continue;
    }
    if (char === "'") {
      let value = '';
      let index = 1;
      for (;;) {
        if (index >= rest.length) throw invalid(`has a string that starts at position ${at} and never ends`);
        if (rest[index] === "'") {
          if (rest[index + 1] !== "'") break;
          value += "'";
          index += 2;
        } else {
          value += rest[index];
          index += 1;
        }
      }
      tokens.push({ kind: 'string', text: value, at });
      at += index + 1;
      continue;
    }
    const dateTime = dateTimeLiteral.exec(rest);
    if (dateTime) {
      tokens.push({ kind: 'string', text: dateTime[0], at });
      at += dateTime[0].length;
      continue;
    }
    const number = numberLiteral.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], at });
      at += number[0].length;
      continue;
    }
    const word = pathLiteral.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0], at });
      at += word[0].length;
      continue;
    }
    throw invalid(`has an unexpected character "${char}" at position ${at}`);
  }
  tokens.push({ kind: 'end', text: 'the end', at });
  return tokens;
}

class FilterParser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly type: EntityType,
  ) {}

  parse(): FilterExpression {
    const expression = this.or();
    const next = this.peek();
    if (next.kind !== 'end') throw invalid(`has "${next.text}" at position ${next.at} where it should end`);
    return expression;
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.kind !== 'punctuation' || token.text !== text)
      throw invalid(`expects "${text}" at position ${token.at}, not "${token.text}"`);
  }

  private or(): FilterExpression {
    let left = this.and();
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'logical', operator: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterExpression {
    let left = this.not();
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'logical', operator: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): FilterExpression {
    if (this.isKeyword(this.peek(), 'not')) {
      this.next();
      return { kind: 'not', operand: this.not() };
    }
    return this.comparison();
  }

  private comparison(): FilterExpression {
    const left = this.primary();
    const token = this.peek();
    if (token.kind === 'word' && comparisonOperators.has(token.text.toLowerCase())) {
      this.next();
      const operator = token.text.toLowerCase() as ComparisonOperator;
      return { kind: 'compare', operator, left, right: this.primary() };
    }
    return left;
  }

  private primary(): FilterExpression {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { kind: 'literal', value: token.text };
      case 'number':
        return { kind: 'literal', value: token.value };
      case 'punctuation':
        if (token.text !== '(') break;
        {
          const inner = this.or();
          this.expect(')');
          return inner;
        }
      case 'word':
        return this.word(token);
      case 'end':
        throw invalid('ends where a value or a property is expected');
    }
    throw invalid(`has "${token.text}" at position ${token.at} where a value or a property is expected`);
  }

  private word(token: Token): FilterExpression {
    const lower = token.text.toLowerCase();
    if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
    if (lower === 'null') return { kind: 'literal', value: null };
    const next = this.peek();
    if (next.kind === 'punctuation' && next.text === '(') return this.call(token, lower);
    const path = token.text.split('/');
    if (!this.type.hasPath(path))
      throw invalid(
        `names "${token.text}", which is not a property of ${this.type.name} (its properties: ${this.type.properties.join(', ')})`,
      );
    return { kind: 'property', path };
  }

  private call(token: Token, name: string): FilterExpression {
    this.expect('(');
    if (stringFunctions.has(name)) {
      const text = this.or();
      this.expect(',');
      const part = this.or();
      this.expect(')');
      return { kind: 'match', name: name as StringFunction, text, part };
    }
    if (caseFunctions.has(name)) {
      const text = this.or();
      this.expect(')');
      return { kind: 'case', name: name as CaseFunction, text };
    }
    throw invalid(
      `calls "${token.text}" at position ${token.at}; the functions offered are startswith, endswith, contains, tolower and toupper`,
    );
  }
}

/** Parses an OData $filter, naming only properties of `type`; a bad one is 400 InvalidGraphRequest. */
export function parseFilter(text: string, type: EntityType): FilterExpression {
  if (text.trim() === '') throw invalid('is empty');
  return new FilterParser(tokenize(text), type).parse();
}

function valueAt(entity: unknown, path: readonly string[]): unknown {
  let value = entity;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    value = (value as Record<string, unknown>)[segment];
  }
  return value ?? null;
}

function compare(operator: ComparisonOperator, left: unknown, right: unknown): boolean {
  if (operator === 'eq') return left === right;
  if (operator === 'ne') return left !== right;
  // Ordering needs two values of one type; null and mixed types order nothing (OData's null rule).
  if (left === null || right === null || typeof left !== typeof right) return false;
  if (typeof left !== 'string' && typeof left !== 'number' && typeof left !== 'boolean') return false;
  const order = left < (right as typeof left) ? -1 : left > (right as typeof left) ? 1 : 0;
  switch (operator) {
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
  }
}

function evaluate(expression: FilterExpression, entity: unknown): unknown {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'property':
      return valueAt(entity, expression.path);
    case 'compare':
      return compare(
        expression.operator,
        evaluate(expression.left, entity),
        evaluate(expression.right, entity),
      );
    case 'logical': {
      const left = evaluate(expression.left, entity) === true;
      if (expression.operator === 'and') return left && evaluate(expression.right, entity) === true;
      return left || evaluate(expression.right, entity) === true;
    }
    case 'not':
      return evaluate(expression.operand, entity) !== true;
    case 'match': {
      const text = evaluate(expression.text, entity);
      const part = evaluate(expression.part, entity);
      if (typeof text !== 'string' || typeof part !== 'string') return false;
      if (expression.name === 'startswith') return text.startsWith(part);
      if (expression.name === 'endswith') return text.endsWith(part);
      return text.includes(part);
    }
    case 'case': {
      const text = evaluate(expression.text, entity);
      if (typeof text !== 'string') return null;
      return expression.name === 'tolower' ? text.toLowerCase() : text.toUpperCase();
    }
  }
}

/** Whether `entity` (a JSON object as Graph answers it) passes the filter. */
export function matchesFilter(expression: FilterExpression, entity: unknown): boolean {
  return evaluate(expression, entity) === true;
}
