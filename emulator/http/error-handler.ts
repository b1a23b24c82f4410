import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EmulatorError, errors } from '../core/errors.js';
import { toViolations } from '../core/schemas/registry.js';
import { routeHint } from './route-hints.js';

function schemaNameOf(request: FastifyRequest): string {
  const schema = request.routeOptions.schema?.body as { $ref?: string } | undefined;
  const match = /\/([^/]+)\.schema\.json/.exec(schema?.$ref ?? '');
  return match?.[1] ?? 'the route';
}

/** Maps every failure to one registered error kind; nothing leaves as a bare stack trace. */
function toEmulatorError(error: FastifyError, request: FastifyRequest, bodyLimit: number): EmulatorError {
  if (error instanceof EmulatorError) return error;
  if (error.validation) {
    if (request.body === undefined) {
      return errors.invalidBody(
        '',
        'is missing (the request has no body); send a JSON object',
        schemaNameOf(request),
      );
    }
    const [first] = toViolations(error.validation as Parameters<typeof toViolations>[0]);
    return errors.invalidBody(first?.pointer ?? '', first?.message ?? error.message, schemaNameOf(request));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(request.headers['content-type']);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.malformedJson('the body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.malformedJson(error.message);
  }
  if (error instanceof SyntaxError || error.statusCode === 400) return errors.malformedJson(error.message);
  return errors.internal();
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The body of an error answer. Graph's routes (/v1.0/) add what Graph's errors carry: an innerError
 * saying when (UTC, to the second) and which request, with the client's client-request-id echoed.
 */
function errorBody(error: EmulatorError, request: FastifyRequest) {
  const body = error.toBody();
  if (!request.url.startsWith('/v1.0/')) return body;
  const now = request.server.emulator?.runtime.clock.now() ?? Date.now();
  const clientRequestId = request.headers['client-request-id'];
  return {
    error: {
      ...body.error,
      innerError: {
        date: new Date(now).toISOString().slice(0, 19),
        'request-id': guid.test(request.id) ? request.id : randomUUID(),
        ...(typeof clientRequestId === 'string' ? { 'client-request-id': clientRequestId } : {}),
      },
    },
  };
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let mapped: EmulatorError;
    try {
      mapped = toEmulatorError(error, request, bodyLimit);
    } catch (mappingError) {
      // Describing the error failed too (say, a value too deep to print): still answer in the envelope.
      request.log.error({ err: mappingError }, 'cannot describe an error');
      mapped = errors.internal();
    }
    if (mapped.code === 'InternalServerError' && !(error instanceof EmulatorError)) {
      request.log.error({ err: error }, 'unexpected error');
    }
    void reply
      .code(mapped.statusCode)
      .headers(mapped.headers)
      .type('application/json')
      .send(errorBody(mapped, request));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const error = errors.routeNotFound(request.method, path, routeHint(request.method, path));
    void reply.code(error.statusCode).type('application/json').send(errorBody(error, request));
  });
}
