import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type EmulatorError, errors } from '../core/errors.js';

/** What Node's HTTP parser reports, beside the error code (HPE_...). */
type ConnectionError = Error & { code?: string; reason?: string };

function errorFor(error: ConnectionError): EmulatorError {
  if (error.code === 'HPE_HEADER_OVERFLOW') return errors.requestHeadersTooLarge();
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return errors.requestTimeout();
  return errors.malformedHttpRequest(error.reason ?? error.message, error.code);
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser cannot read (a raw NUL in the path,
 * a Content-Length that disagrees with the body, both Content-Length and chunked, headers over
 * 16 KiB) never reaches a route, so it is answered here, in the same error envelope, and the
 * connection is closed. A reset connection has no one left to answer.
 */
export function answerClientError(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const mapped = errorFor(error);
    const body = JSON.stringify(mapped.toBody());
    socket.write(
      `HTTP/1.1 ${mapped.statusCode} ${STATUS_CODES[mapped.statusCode]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
