import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type EmulatorError, errors } from '../core/errors.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const controlCharacter = /[\u0000-\u001f\u007f]/;

/**
 * onRequest hook: a decoded path parameter ({SMTPAddress}, {WebhookId}, an inbox name...) with a
 * control character in it is refused before any route sees it. NUL and line breaks have no place
 * in an address or id, and would otherwise reach messages, logs and the store.
 */
export async function rejectControlCharactersInPath(request: FastifyRequest): Promise<void> {
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && controlCharacter.test(value)) {
      // A wildcard match (an unknown route) has no parameter name worth showing.
      if (name === '*') throw errors.invalidPath('the path contains a control character (such as %00)');
      throw errors.invalidPath(`{${name}} contains a control character (such as %00)`, `path:${name}`);
    }
  }
}

/** Fastify's own routing errors (Fastify option `frameworkErrors`) as registered error kinds. */
function pathErrorOf(error: FastifyError): EmulatorError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return errors.invalidPath('a path segment is longer than 2048 characters');
  }
  return errors.invalidPath(
    'it is not valid percent-encoding (a % must be followed by two hex digits of UTF-8)',
  );
}

export function sendFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const mapped = pathErrorOf(error);
  void reply.code(mapped.statusCode).type('application/json').send(mapped.toBody());
}
