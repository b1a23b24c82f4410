import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';
import { decodeUtf8, maxNestingDepth, parseStrictJson } from '../core/strict-json.js';

/** The charset parameter of a Content-Type header, lower-cased, if there is one. */
function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
}

/** How many times `char` occurs in `text`. */
function occurrences(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) count += 1;
  return count;
}

/**
 * Member names plus colons inside strings in a parsed value, or undefined when the value holds
 * what only the strict reader may judge (a `__proto__` key, nesting past the limit).
 */
function colonsAccountedFor(value: unknown, depth: number): number | undefined {
  if (typeof value === 'string') return occurrences(value, ':');
  if (value === null || typeof value !== 'object') return 0;
  if (depth > maxNestingDepth) return undefined;
  let colons = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = colonsAccountedFor(item, depth + 1);
      if (inner === undefined) return undefined;
      colons += inner;
    }
    return colons;
  }
  const members = value as Record<string, unknown>;
  for (const name of Object.keys(members)) {
    if (name === '__proto__') return undefined;
    const inner = colonsAccountedFor(members[name], depth + 1);
    if (inner === undefined) return undefined;
    colons += 1 + occurrences(name, ':') + inner;
  }
  return colons;
}

/**
 * The common body, judged without walking its text character by character: valid UTF-8 with no
 * escapes, which JSON.parse reads, and whose every colon is accounted for by a member of the
 * parsed value or a colon inside one of its strings. A member JSON.parse dropped as a duplicate
 * leaves its colon unaccounted for (without escapes a string's colons are the same in the text and
 * in the value), so the counts match only when no name repeats. Anything else (undefined) goes to
 * the strict reader, which finds the problem and says where it is.
 */
function parseCommonJson(body: Buffer): { value: unknown } | undefined {
  const decoded = decodeUtf8(body);
  if (!decoded.ok || decoded.text.includes('\\')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decoded.text);
  } catch {
    return undefined;
  }
  return colonsAccountedFor(value, 1) === occurrences(decoded.text, ':') ? { value } : undefined;
}

/**
 * Replaces Fastify's JSON parser with one that refuses what JSON.parse lets through silently
 * (decision 013): invalid UTF-8, a charset other than UTF-8, duplicate keys, `__proto__` keys and
 * nesting past 64 levels, each with a message that names the problem and where it is. An empty
 * body counts as no body, so routes whose body is optional (reset, redeliver) accept
 * `curl -X POST -H 'Content-Type: application/json'`.
 */
export function installStrictJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
      const contentType = request.headers['content-type'];
      const charset = charsetOf(contentType);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        done(errors.unsupportedMediaType(contentType));
        return;
      }
      if (body.length === 0) {
        done(null, undefined);
        return;
      }
      const common = parseCommonJson(body);
      if (common) {
        done(null, common.value);
        return;
      }
      const parsed = parseStrictJson(body);
      if (parsed.ok) done(null, parsed.value);
      else done(errors.malformedJson(parsed.problem, parsed.pointer));
    },
  );
}
