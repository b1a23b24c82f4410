import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadSeedFile, SeedError } from '../../../config/seed-loader.js';
import { ConfigError } from '../../../core/config-error.js';
import { errors } from '../../../core/errors.js';
import { policiesFromQuirks } from '../../../domain/policies.js';
import type { ResetRequest, Seed } from '../../../generated/schema-types.js';
import { controlSchema, emptyBody } from './shared.js';

/**
 * The seed a reset asks for: inline, or read from a file on this machine (relative to the folder
 * the emulator runs in), whose problems come back as FILE:LINE:COL, as `lint` shows them.
 */
function requestedSeed({ seed, seedFile }: ResetRequest): Seed | undefined {
  if (seedFile === undefined) return seed;
  if (seed !== undefined) {
    throw errors.invalidControlRequest(
      'Send the seed inline ("seed") or as a file ("seedFile"), not both.',
      '/seedFile',
    );
  }
  try {
    return loadSeedFile(resolve(seedFile));
  } catch (error) {
    if (error instanceof SeedError) {
      throw errors.invalidControlRequest(
        `The seed file is invalid: ${error.problems.join('; ')}. Fix it (npx bookings-emulator lint FILE shows the same) and reset again.`,
        '/seedFile',
      );
    }
    if (error instanceof ConfigError) {
      throw errors.invalidControlRequest(
        `${error.message}. "seedFile" is read on the emulator's machine, relative to the folder it was started in (${process.cwd()}).`,
        '/seedFile',
      );
    }
    throw error;
  }
}

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
      const body = request.body ?? {};
      const { quirks, policies, idSeed } = body;
      const seed = requestedSeed(body);
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
