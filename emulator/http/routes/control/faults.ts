import type { FastifyInstance } from 'fastify';
import type { Fault, FaultList } from '../../../generated/schema-types.js';
import { controlSchema } from './shared.js';

/** GET, POST and DELETE /faults: injected failures, consumed one call at a time. */
export function faultRoutes(app: FastifyInstance): void {
  app.get(
    '/faults',
    async (request): Promise<FaultList> => ({ faults: request.server.emulator.state.faults.list() }),
  );

  app.post<{ Body: Fault }>(
    '/faults',
    { schema: { body: controlSchema('Fault') } },
    async (request, reply) => {
      return reply.code(201).send(request.server.emulator.state.faults.add(request.body));
    },
  );

  app.delete('/faults', async (request, reply) => {
    request.server.emulator.state.faults.clear();
    return reply.code(204).send();
  });
}
