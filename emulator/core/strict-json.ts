import { isUtf8 } from 'node:buffer';

/**
 * How deep objects and arrays may nest in a body or file. Every real document is far shallower
 * (a seed is about 8 levels); deeper ones only exist to exhaust a recursive reader's stack.
 */
export const maxNestingDepth = 64;

export type StrictJsonResult =
  | { ok: true; value: unknown }
  | {
      ok: false;
      problem: string;
      /** JSON pointer of the offending member, when there is one. */
      pointer?: string;
    };

/** 0-based offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : 4;
    if (lead >= 0xf5 || (lead >= 0x80 && lead < 0xc2)) return index;
    if (!isUtf8(bytes.subarray(index, index + length))) return index;
    index += length;
  }
  return -1;
}

/** Decodes UTF-8 strictly (RFC 8259 §8.1); a leading byte-order mark is dropped. */
export function decodeUtf8(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; offset: number; problem: string } {
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8Offset(bytes);
    return { ok: false, offset, problem: `it is not valid UTF-8 (first bad byte at offset ${offset})` };
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return { ok: true, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

/** Whether objects and arrays in a parsed value nest deeper than `limit`; iterative, so any depth is safe. */
export function nestingDepthExceeds(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!next || next.value === null || typeof next.value !== 'object') continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return false;
}

function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

const surrogateEscape = /\\u[dD][89a-fA-F]/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Frame {
  kind: 'object' | 'array';
  keys: Set<string>;
  index: number;
  /** The pointer of this container. */
  pointer: string;
  /** Inside an object: the next string is a key. */
  expectKey: boolean;
}

/**
 * Walks syntactically valid JSON text once, finding what JSON.parse lets through silently:
 * duplicate member names (it keeps the last one), prototype-poisoning keys, and nesting past
 * `maxNestingDepth`.
 */
function structuralProblem(text: string): { problem: string; pointer: string } | undefined {
  const stack: Frame[] = [];
  let lastKey = '';
  const childPointer = (frame: Frame | undefined) => {
    if (!frame) return '';
    return `${frame.pointer}/${frame.kind === 'object' ? escapePointerToken(lastKey) : frame.index}`;
  };
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    const top = stack.at(-1);
    if (char === '"') {
      let end = at + 1;
      // Only strings with an escape need decoding; the rest are read as they are.
      let escaped = false;
      while (text[end] !== '"') {
        if (text[end] === '\\') {
          escaped = true;
          end += 2;
        } else {
          end += 1;
        }
      }
      const isKey = top?.kind === 'object' && top.expectKey;
      const token = isKey || escaped ? text.slice(at, end + 1) : '';
      if (isKey) lastKey = escaped ? (JSON.parse(token) as string) : token.slice(1, -1);
      // A lone UTF-16 surrogate can only arrive escaped (\ud800); I-JSON forbids it, and a
      // receiver that re-encodes the string as UTF-8 would see U+FFFD instead.
      if (escaped && surrogateEscape.test(token) && loneSurrogate.test(JSON.parse(token) as string)) {
        const pointer = childPointer(top);
        return {
          problem: `the string at ${pointer || '/'} holds an unpaired UTF-16 surrogate escape`,
          pointer,
        };
      }
      if (top && isKey) {
        const key = lastKey;
        const pointer = childPointer(top);
        if (top.keys.has(key)) {
          return {
            problem: `the key "${key}" appears twice in one object at ${pointer}; JSON.parse would silently keep the last one, so send each key once`,
            pointer,
          };
        }
        if (key === '__proto__') {
          return { problem: `the key "__proto__" (at ${pointer}) is not allowed`, pointer };
        }
        top.keys.add(key);
        top.expectKey = false;
      }
      at = end;
    } else if (char === '{' || char === '[') {
      const pointer = childPointer(top);
      if (stack.length >= maxNestingDepth) {
        return {
          problem: `objects and arrays nest deeper than ${maxNestingDepth} levels`,
          pointer,
        };
      }
      stack.push({
        kind: char === '{' ? 'object' : 'array',
        keys: new Set(),
        index: 0,
        pointer,
        expectKey: true,
      });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',' && top) {
      if (top.kind === 'object') top.expectKey = true;
      else top.index += 1;
    }
  }
  return undefined;
}

/**
 * JSON as an interoperable peer would read it (I-JSON, RFC 7493): UTF-8 only, each member name
 * once per object, no `__proto__` keys, at most `maxNestingDepth` levels. Text input skips the
 * UTF-8 check (it is already decoded).
 */
export function parseStrictJson(input: Uint8Array | string): StrictJsonResult {
  let text: string;
  if (typeof input === 'string') {
    text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  } else {
    const decoded = decodeUtf8(input);
    if (!decoded.ok) return { ok: false, problem: decoded.problem };
    text = decoded.text;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  const found = structuralProblem(text);
  if (found) return { ok: false, ...found };
  return { ok: true, value };
}

/**
 * Where a quoted scalar ends, as far as this scan cares: at its closing quote or at the end of the
 * line. Stopping at the line end means an unclosed quote (say, in a block scalar) cannot hide the
 * rest of the file from the scan; a multi-line quoted scalar is only scanned as plain text after
 * its first line, which can only over-count.
 */
function endOfQuoted(text: string, at: number): number {
  const quote = text[at];
  let end = at + 1;
  while (end < text.length && text[end] !== '\n') {
    if (quote === '"' && text[end] === '\\' && text[end + 1] !== '\n') end += 2;
    else if (text[end] === quote && quote === "'" && text[end + 1] === "'") end += 2;
    else if (text[end] === quote) return end;
    else end += 1;
  }
  return end - 1;
}

/**
 * Block structure (indentation and `- `, `? `, `: ` indicators) is bounded more loosely, on the
 * text: it only has to keep the parser well inside its stack (which fails near 900 levels) and
 * its time (500 nested `? ` keys take it a minute; 256 under a second). The parsed value is then
 * held to `maxNestingDepth` like any other.
 */
const maxBlockNestingBound = 4 * maxNestingDepth;

/**
 * Checks YAML text, before it is parsed, for nesting deep enough to exhaust the parser's stack or
 * memory (a few thousand levels of `[`, or of `- ` on one line, crash it): flow collections (`[`,
 * `{`) may nest `maxNestingDepth` levels, skipping quoted scalars and comments; a line's
 * indentation plus its leading block indicators plus the open flow collections may not pass
 * `maxBlockNestingBound`. Returns the 1-based line and column of the first excess.
 */
export function yamlNestingProblem(text: string): { line: number; col: number; problem: string } | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  // The last character on this line that was not a space: a quote opens a quoted scalar only
  // where a scalar can start (in `don't` it is plain text).
  let previous = '';
  for (let at = 0; at < text.length; at++) {
    const char = text[at] ?? '';
    if (at === lineStart) {
      const block = /^( *)((?:[-?:](?: +|$))*)/.exec(text.slice(at, at + 4 * maxBlockNestingBound));
      const indicators = (block?.[2] ?? '').replace(/ +/g, '').length;
      if (
        indicators > maxNestingDepth ||
        (block?.[1]?.length ?? 0) + indicators + depth > maxBlockNestingBound
      ) {
        return { line, col: 1, problem: `lists and maps nest far deeper than ${maxNestingDepth} levels` };
      }
    }
    if (char === '\n') {
      line += 1;
      lineStart = at + 1;
      previous = '';
      continue;
    }
    if (char === ' ' || char === '\t') continue;
    if (char === '#' && (at === lineStart || /\s/.test(text[at - 1] ?? ''))) {
      while (at + 1 < text.length && text[at + 1] !== '\n') at++;
      continue;
    }
    if ((char === '"' || char === "'") && (previous === '' || '[{,:-?'.includes(previous))) {
      at = endOfQuoted(text, at);
    } else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > maxNestingDepth) {
        return {
          line,
          col: at - lineStart + 1,
          problem: `lists and maps nest deeper than ${maxNestingDepth} levels`,
        };
      }
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth -= 1;
    }
    previous = char;
  }
  return undefined;
}
