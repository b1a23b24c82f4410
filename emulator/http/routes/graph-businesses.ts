import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BusinessDocument } from '../../domain/businesses/documents.js';
import { applyQueryOptions } from '../odata/apply.js';
import { entityType } from '../odata/entity-type.js';
import { businessesContext, collectionAnswer, presentEntity } from './graph-presenter.js';
import {
  listQueryOptions,
  type ResourceCollectionRoute,
  registerResourceCollection,
} from './graph-resources.js';

type BusinessParams = { businessId: string };

/** The collections of a business, with the `@odata.type` Graph's samples put on staff and customers. */
const collections: readonly ResourceCollectionRoute[] = [
  { collection: 'services', definition: 'bookingService' },
  {
    collection: 'staffMembers',
    definition: 'bookingStaffMember',
    odataType: '#microsoft.graph.bookingStaffMember',
  },
  { collection: 'customers', definition: 'bookingCustomer', odataType: '#microsoft.graph.bookingCustomer' },
  { collection: 'customQuestions', definition: 'bookingCustomQuestion' },
];

const businessType = () => entityType('graph-bookings', 'bookingBusiness');

/** Graph's `query=`: businesses whose name or SMTP address contains the text, case-insensitively. */
function matchesQuery(document: BusinessDocument, query: unknown): boolean {
  if (typeof query !== 'string' || query === '') return true;
  const wanted = query.toLowerCase();
  const { business } = document;
  return [business.displayName, business.id, business.email].some((text) =>
    text?.toLowerCase().includes(wanted),
  );
}

const directory = (request: FastifyRequest) => request.server.emulator.state.directory;

/**
 * Graph's bookingBusiness routes (source [E]) and the business's services, staff members,
 * customers and custom questions, under /v1.0/solutions/bookingBusinesses. The list shows only id
 * and displayName, as Graph's does; $filter may still name any property of the business.
 */
export async function graphBusinessRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { query?: string } }>('/', async (request) => {
    const type = businessType();
    const options = listQueryOptions(request, type);
    const businesses = directory(request)
      .documents.filter((document) => matchesQuery(document, request.query.query))
      .map((document) => presentEntity(type, document.business));
    const page = applyQueryOptions(businesses, options, {
      present: (business) => ({ id: business.id, displayName: business.displayName }),
    });
    return collectionAnswer(request, businessesContext(request), page);
  });

  app.get<{ Params: BusinessParams }>('/:businessId', async (request) => {
    const document = request.server.emulator.services.businessResources.document(request.params.businessId);
    return {
      '@odata.context': businessesContext(request, true),
      ...presentEntity(businessType(), document.business),
    };
  });

  for (const route of collections) registerResourceCollection(app, route);
}
