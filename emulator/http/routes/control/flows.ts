import type { FastifyInstance } from 'fastify';
import type { FlowList } from '../../../generated/schema-types.js';

/** GET /flows: every subscribed flow, of all mailboxes. */
export function flowRoutes(app: FastifyInstance): void {
  app.get(
    '/flows',
    async (request): Promise<FlowList> => ({ flows: request.server.emulator.services.subscriptions.list() }),
  );
}
