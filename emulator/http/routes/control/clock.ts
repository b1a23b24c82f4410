import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../core/clock.js';
import { errors } from '../../../core/errors.js';
import type { ClockAdvance, ClockState } from '../../../generated/schema-types.js';
import { controlSchema } from './shared.js';

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

/** GET /clock and POST /clock (advance by an amount or to an instant). */
export function clockRoutes(app: FastifyInstance): void {
  app.get('/clock', async (request) => clockState(request.server.emulator.runtime.clock));

  app.post<{ Body: ClockAdvance }>(
    '/clock',
    { schema: { body: controlSchema('ClockAdvance') } },
    async (request) => {
      const { clock } = request.server.emulator.runtime;
      const { byMs, to } = request.body;
      if ((byMs === undefined) === (to === undefined)) {
        throw errors.invalidControlRequest('Send exactly one of "byMs" or "to".', '/');
      }
      if (to !== undefined) {
        const target = Date.parse(to);
        if (target < clock.now())
          throw errors.invalidControlRequest(`"to" (${to}) is before the clock's now.`, '/to');
        await clock.advanceTo(target);
      } else {
        await clock.advanceBy(byMs ?? 0);
      }
      return clockState(clock);
    },
  );
}
