import type { FastifyInstance } from 'fastify';
import { SeedError } from '../../../config/seed-loader.js';
import { errors } from '../../../core/errors.js';
import { policiesFromQuirks } from '../../../domain/policies.js';
import type { ResetRequest } from '../../../generated/schema-types.js';
import { controlSchema, emptyBody } from './shared.js';

/** POST /reset: back to the configured seed, or start again from another one. */
export function resetRoutes(app: FastifyInstance): void {
  app.post<{ Body: ResetRequest | undefined }>(
    '/reset',
    {
      schema: { body: controlSchema('ResetRequest') },
      // A bare POST (no body) is the common case: back to the configured seed.
      preValidation: emptyBody,
    },
    async (request, reply) => {
      const { seed, quirks, policies, idSeed } = request.body ?? {};
      try {
        request.server.emulator.reset({
          ...(seed === undefined ? {} : { seed }),
          ...(idSeed === undefined ? {} : { idSeed }),
          policies: { ...policiesFromQuirks(quirks ?? {}), ...policies },
        });
      } catch (error) {
        if (error instanceof SeedError) {
          throw errors.invalidControlRequest(`The seed is invalid: ${error.problems.join('; ')}`, '/seed');
        }
        throw error;
      }
      return reply.code(204).send();
    },
  );
}
