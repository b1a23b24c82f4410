import type { FastifyInstance, FastifyRequest } from 'fastify';
import { schemaId } from '../../core/schemas/registry.js';
import type { ResourceCollection } from '../../domain/businesses/documents.js';
import { applyQueryOptions } from '../odata/apply.js';
import { type EntityType, entityType } from '../odata/entity-type.js';
import { parseQueryOptions, type QueryOptions } from '../odata/query-options.js';
import { writableInput } from '../odata/request-input.js';
import { businessCollectionContext, collectionAnswer, presentEntity } from './graph-presenter.js';

/** One collection of a business as Graph serves it. */
export interface ResourceCollectionRoute {
  collection: ResourceCollection;
  /** Its entity's definition in schemas/graph-bookings.schema.json. */
  definition: string;
  /** The `@odata.type` Graph's answers put on each entity, where its samples show one. */
  odataType?: string;
}

type BusinessParams = { businessId: string };
type EntityParams = BusinessParams & { id: string };

/** The OData query options of a list request, as policy graph-query-options allows them. */
export function listQueryOptions(request: FastifyRequest, type: EntityType): QueryOptions {
  return parseQueryOptions(
    request.query as Record<string, string | string[] | undefined>,
    type,
    request.server.emulator.state.policies['graph-query-options'],
  );
}

const resources = (request: FastifyRequest) => request.server.emulator.services.businessResources;

/**
 * GET (list), POST, and GET, PATCH, DELETE of one entity, for one collection of a business
 * (Graph v1.0, source [E]): created is 201 with the entity, updated and deleted are 204 No Content.
 */
export function registerResourceCollection(app: FastifyInstance, route: ResourceCollectionRoute): void {
  const { collection, definition, odataType } = route;
  const type = entityType('graph-bookings', definition);
  const body = { $ref: schemaId('graph-bookings', `#/$defs/${definition}`) };
  const annotations = odataType ? { '@odata.type': odataType } : {};
  const context = (request: FastifyRequest<{ Params: BusinessParams }>) =>
    businessCollectionContext(request, request.params.businessId, collection);
  const entity = (request: FastifyRequest<{ Params: BusinessParams }>, stored: object) => ({
    '@odata.context': `${context(request)}/$entity`,
    ...presentEntity(type, stored, annotations),
  });

  app.get<{ Params: BusinessParams }>(`/:businessId/${collection}`, async (request) => {
    const options = listQueryOptions(request, type);
    const listed = resources(request).list(request.params.businessId, collection);
    const presented = listed.map((stored) => presentEntity(type, stored, annotations));
    return collectionAnswer(request, context(request), applyQueryOptions(presented, options));
  });

  app.post<{ Params: BusinessParams; Body: object }>(
    `/:businessId/${collection}`,
    { schema: { body } },
    async (request, reply) => {
      const created = resources(request).create(
        request.params.businessId,
        collection,
        writableInput(request.body as object, type),
      );
      return reply.code(201).send(entity(request, created));
    },
  );

  app.get<{ Params: EntityParams }>(`/:businessId/${collection}/:id`, async (request) =>
    entity(request, resources(request).get(request.params.businessId, collection, request.params.id)),
  );

  app.patch<{ Params: EntityParams; Body: object }>(
    `/:businessId/${collection}/:id`,
    { schema: { body } },
    async (request, reply) => {
      const { businessId, id } = request.params;
      resources(request).update(businessId, collection, id, writableInput(request.body as object, type));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: EntityParams }>(`/:businessId/${collection}/:id`, async (request, reply) => {
    resources(request).delete(request.params.businessId, collection, request.params.id);
    return reply.code(204).send();
  });
}
