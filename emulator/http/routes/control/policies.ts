import type { FastifyInstance } from 'fastify';
import { ConfigError } from '../../../core/config-error.js';
import { errors } from '../../../core/errors.js';
import { checkPolicies, policiesFromQuirks, policyTable, quirksOf } from '../../../domain/policies.js';
import type { Policies, PolicyTable, Quirks } from '../../../generated/schema-types.js';
import { controlSchema } from './shared.js';

/** GET and PUT /policies, and /quirks: the quirk policies as booleans, for callers written before /policies. */
export function policyRoutes(app: FastifyInstance): void {
  app.get(
    '/policies',
    async (request): Promise<PolicyTable> => policyTable(request.server.emulator.state.policies),
  );

  app.put<{ Body: Policies }>(
    '/policies',
    {
      schema: { body: controlSchema('Policies') },
      // Names and values are judged here first, so the answer lists the allowed ones.
      preValidation: async (request) => {
        if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) return;
        try {
          checkPolicies(request.body);
        } catch (error) {
          if (error instanceof ConfigError) throw errors.invalidControlRequest(error.message, '/');
          throw error;
        }
      },
    },
    async (request): Promise<PolicyTable> => {
      const { policies } = request.server.emulator.state;
      Object.assign(policies, request.body);
      return policyTable(policies);
    },
  );

  app.get('/quirks', async (request): Promise<Quirks> => quirksOf(request.server.emulator.state.policies));

  app.patch<{ Body: Quirks }>(
    '/quirks',
    { schema: { body: controlSchema('Quirks') } },
    async (request): Promise<Quirks> => {
      const { policies } = request.server.emulator.state;
      Object.assign(policies, policiesFromQuirks(request.body));
      return quirksOf(policies);
    },
  );
}
