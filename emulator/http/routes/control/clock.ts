import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../core/clock.js';
import { errors } from '../../../core/errors.js';
import { parseDuration } from '../../../delivery/retry-policy.js';
import type { ClockAdvance, ClockState } from '../../../generated/schema-types.js';
import { controlSchema } from './shared.js';

/** The longest jump one call may make, as ClockAdvance's byMs allows: a year. */
const maxAdvanceMs = 365 * 24 * 60 * 60 * 1000;

function clockState(clock: Clock): ClockState {
  const state: ClockState = {
    now: new Date(clock.now()).toISOString(),
    mode: clock.mode,
    pendingTimers: clock.pendingTimers(),
  };
  const next = clock.nextDueAt();
  if (next !== undefined) state.nextTimerAt = new Date(next).toISOString();
  return state;
}

/** How far `by` (a duration such as 30m, as scenarios write it) or `byMs` moves the clock. */
function advanceMs({ by, byMs }: ClockAdvance): number {
  if (by === undefined) return byMs ?? 0;
  const ms = parseDuration(by);
  if (ms === undefined || ms > maxAdvanceMs) {
    throw errors.invalidControlRequest(
      `"by" must be a duration of at most a year such as 250ms, 2s, 30m, 4h or 1d, got "${by}".`,
      '/by',
    );
  }
  return Math.round(ms);
}

/** GET /clock and POST /clock (advance by an amount or to an instant). */
export function clockRoutes(app: FastifyInstance): void {
  app.get('/clock', async (request) => clockState(request.server.emulator.runtime.clock));

  app.post<{ Body: ClockAdvance }>(
    '/clock',
    { schema: { body: controlSchema('ClockAdvance') } },
    async (request) => {
      const { clock } = request.server.emulator.runtime;
      const { by, byMs, to } = request.body;
      if ([by, byMs, to].filter((value) => value !== undefined).length !== 1) {
        throw errors.invalidControlRequest(
          'Send exactly one of "by" (a duration such as 30m), "byMs" (milliseconds) or "to" (an ISO 8601 instant), e.g. {"by":"30m"}.',
          '/',
        );
      }
      if (to !== undefined) {
        const target = Date.parse(to);
        if (target < clock.now())
          throw errors.invalidControlRequest(`"to" (${to}) is before the clock's now.`, '/to');
        await clock.advanceTo(target);
      } else {
        await clock.advanceBy(advanceMs(request.body));
      }
      return clockState(clock);
    },
  );
}
