import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';
import { parseStrictJson } from '../core/strict-json.js';

/** The charset parameter of a Content-Type header, lower-cased, if there is one. */
function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
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
      const parsed = parseStrictJson(body);
      if (parsed.ok) done(null, parsed.value);
      else done(errors.malformedJson(parsed.problem, parsed.pointer));
    },
  );
}
