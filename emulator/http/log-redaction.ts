import type { FastifyServerOptions } from 'fastify';
import type { EmulatorOptions } from '../config/options.js';

/** How much of a secret a log keeps: enough to tell two tokens apart, too little to use one. */
const visibleChars = 4;

/** `admin-token` -> `admi…`; short secrets lose everything. */
export function maskSecret(secret: string): string {
  return secret.length > visibleChars * 2 ? `${secret.slice(0, visibleChars)}…` : '…';
}

/** `Bearer eyJhbGciOi…` keeps the scheme, so a log still says what kind of credential came. */
export function maskAuthorization(header: string): string {
  const match = /^(\S+)([ \t]+)(.*)$/s.exec(header);
  return match ? `${match[1]}${match[2]}${maskSecret(match[3] ?? '')}` : maskSecret(header);
}

/**
 * Query parameters that carry a secret: the dashboard's `token`, and the SAS signature (`sig`) of a
 * Logic Apps / Power Automate callback URL, which is as good as a password for that flow.
 */
const secretParameters = /([?&](?:token|sig|code)=)([^&#]*)/gi;

export function maskUrlSecrets(url: string): string {
  return url.replace(
    secretParameters,
    (_whole, name: string, value: string) => `${name}${maskSecret(value)}`,
  );
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The request as a log line shows it: credentials masked, never whole. */
function serializeRequest(request: LoggedRequest): Record<string, string> {
  const logged: Record<string, string> = { method: request.method, url: maskUrlSecrets(request.url) };
  if (request.host !== undefined) logged.host = request.host;
  if (request.ip !== undefined) logged.remoteAddress = request.ip;
  const authorization = firstValue(request.headers.authorization);
  if (authorization !== undefined) logged.authorization = maskAuthorization(authorization);
  const controlToken = firstValue(request.headers['x-emulator-control-token']);
  if (controlToken !== undefined) logged.controlToken = maskSecret(controlToken);
  return logged;
}

/**
 * Fastify's logger for the emulator: pino at `level`, with every credential masked wherever it is
 * logged, written to stderr. Stdout belongs to whoever runs the emulator: `start` prints its banner
 * there, first line `listening on URL`, and one line per delivery.
 */
export function loggerOptions(level: EmulatorOptions['logLevel']): FastifyServerOptions['logger'] {
  if (!level) return false;
  return {
    level,
    stream: process.stderr,
    serializers: { req: serializeRequest as (request: unknown) => Record<string, string> },
    // Whatever else logs a whole headers object still masks its credentials.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-emulator-control-token"]',
        'req.headers.cookie',
        'headers.authorization',
        'headers["x-emulator-control-token"]',
        'headers.cookie',
      ],
      censor: (value: unknown) => (typeof value === 'string' ? maskAuthorization(value) : '…'),
    },
  };
}
