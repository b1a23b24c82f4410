import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';

export const controlTokenHeader = 'x-emulator-control-token';
/** Set by /_emulator/ui?token=…, so the dashboard's own calls and its event stream carry the token. */
export const controlTokenCookie = 'bookings_emulator_control';

const dashboardRoute = '/_emulator/ui';
/** The dashboard's address with a trailing slash takes the token the same way. */
const dashboardRoutes = new Set([dashboardRoute, `${dashboardRoute}/`]);

/**
 * Open even with a control token: the health probe (container health checks, runners) and the
 * built-in inbox's POST, which flows deliver to as any receiver would, with no token of ours.
 */
function isOpenRoute(method: string, route: string): boolean {
  return route === '/_emulator/health' || (method === 'POST' && route === '/_emulator/inbox/:name');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      try {
        return decodeURIComponent(part.slice(separator + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * With a control token, every route under /_emulator/ except the open ones asks for it, in the
 * X-Emulator-Control-Token header or the dashboard's cookie. The route is judged by the pattern the
 * router matched, never by the raw URL, so encoded or doubled slashes cannot slip past. The trigger
 * API and the Graph-shaped actions keep their own rules.
 */
export function installControlTokenGuard(app: FastifyInstance, token: string | undefined): void {
  if (token === undefined) return;
  const expected = digest(token);
  const matches = (candidate: string | undefined) =>
    candidate !== undefined && timingSafeEqual(digest(candidate), expected);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/_emulator/') || isOpenRoute(request.method, route)) return;
    const fromQuery = (request.query as Record<string, unknown> | undefined)?.token;
    if (dashboardRoutes.has(route) && typeof fromQuery === 'string') {
      if (!matches(fromQuery))
        throw errors.controlTokenRequired(
          "The token in /_emulator/ui?token= is not this emulator's control token.",
        );
      // The token leaves the address bar at once; the cookie carries it from here on.
      return reply
        .header(
          'set-cookie',
          `${controlTokenCookie}=${encodeURIComponent(token)}; Path=/_emulator; HttpOnly; SameSite=Strict`,
        )
        .redirect(dashboardRoute, 303);
    }
    const header = request.headers[controlTokenHeader];
    const sent =
      typeof header === 'string' ? header : cookieValue(request.headers.cookie, controlTokenCookie);
    if (sent === undefined) throw errors.controlTokenRequired('The control token is missing.');
    if (!matches(sent)) throw errors.controlTokenRequired('The control token is wrong.');
  });
}
