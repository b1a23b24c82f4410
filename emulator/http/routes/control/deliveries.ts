import type { FastifyInstance } from 'fastify';
import { errors } from '../../../core/errors.js';
import { loadSchemaDocument } from '../../../core/schemas/documents.js';
import type { DeliveryFilter } from '../../../domain/store.js';
import type {
  DeliveryList,
  RedeliverManyRequest,
  RedeliverRequest,
} from '../../../generated/schema-types.js';
import { controlSchema, emptyBody } from './shared.js';

/** The journal's statuses, as control-api.schema.json's DeliveryStatus lists them. */
const deliveryStatuses = new Set(
  (loadSchemaDocument('control-api').$defs.DeliveryStatus as { enum: readonly string[] }).enum,
);

/** The journal filter of GET /deliveries, from its query string. */
function journalFilter(query: Record<string, string | undefined>): DeliveryFilter {
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) {
      throw errors.invalidControlRequest(
        `The query parameter "${name}" is given ${value.length} times; give it once.`,
        `query:${name}`,
      );
    }
  }
  const { webhookId, mailbox, status, appointmentId } = query;
  if (status !== undefined && !deliveryStatuses.has(status)) {
    throw errors.invalidControlRequest(
      `status must be one of ${[...deliveryStatuses].join(', ')}, got "${status}".`,
      'query:status',
    );
  }
  const filter: DeliveryFilter = {};
  if (webhookId !== undefined) filter.webhookId = webhookId;
  if (mailbox !== undefined) filter.mailbox = mailbox;
  if (status !== undefined) filter.status = status as DeliveryFilter['status'];
  if (appointmentId !== undefined) filter.appointmentId = appointmentId;
  return filter;
}

/** GET /deliveries (the journal) and the two redeliver actions. */
export function deliveryRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/deliveries',
    async (request): Promise<DeliveryList> => {
      const journal = request.server.emulator.state.store.deliveries;
      return { deliveries: journal.list(journalFilter(request.query)), evicted: journal.evicted() };
    },
  );

  app.post<{ Params: { deliveryId: string }; Body: RedeliverRequest }>(
    '/deliveries/:deliveryId/redeliver',
    { schema: { body: controlSchema('RedeliverRequest') }, preValidation: emptyBody },
    async (request, reply) => {
      const { url, renewId } = request.body;
      const delivery = request.server.emulator.services.redelivery.redeliverOne(request.params.deliveryId, {
        url,
        renewId,
      });
      return reply.code(202).send(delivery);
    },
  );

  app.post<{ Body: RedeliverManyRequest }>(
    '/deliveries/redeliver',
    { schema: { body: controlSchema('RedeliverManyRequest') }, preValidation: emptyBody },
    async (request, reply): Promise<DeliveryList> => {
      const { filter, url, renewId } = request.body;
      const redelivered = request.server.emulator.services.redelivery.redeliverMatching(filter ?? {}, {
        url,
        renewId,
      });
      const answer: DeliveryList = {
        deliveries: redelivered,
        evicted: request.server.emulator.state.store.deliveries.evicted(),
      };
      return reply.code(202).send(answer);
    },
  );
}
