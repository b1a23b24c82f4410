import type { FastifyRequest } from 'fastify';
import type {
  BookingAppointment,
  BookingAppointmentCollection,
  GraphBookingAppointment,
} from '../../generated/schema-types.js';
import type { ListPage } from '../odata/apply.js';
import type { EntityType } from '../odata/entity-type.js';
import { nextLink } from '../odata/next-link.js';
import { appointmentType } from './graph-request.js';

/**
 * OData annotates a value with `@odata.type` only when its type is not the declared one. Customers
 * are declared as the abstract bookingCustomerInformationBase, so each carries its type; dates,
 * locations, reminders and answers are of their declared types and carry none, as in Graph's
 * answers (source [E]).
 */
const customerType = '#microsoft.graph.bookingCustomerInformation';

type Entity = Record<string, unknown>;

/** The scheme and host the request came to: Graph's context URLs and next links are absolute. */
const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/** The context URL of the businesses list, or (with `$entity`) of one business. */
export function businessesContext(request: FastifyRequest, entity = false): string {
  return `${origin(request)}/v1.0/$metadata#solutions/bookingBusinesses${entity ? '/$entity' : ''}`;
}

/**
 * The context URL of a collection of a business (appointments, services...): the key an OData
 * string literal, percent-encoded as in Graph's answers (source [E]).
 */
export function businessCollectionContext(
  request: FastifyRequest,
  businessId: string,
  collection: string,
): string {
  const key = encodeURIComponent(businessId.replaceAll("'", "''"));
  return `${businessesContext(request)}('${key}')/${collection}`;
}

/** An entity as Graph answers it: `annotations` first, then every property of its type, null where there is no value. */
export function presentEntity(type: EntityType, stored: object, annotations: Entity = {}): Entity {
  const values = stored as Entity;
  const presented: Entity = { ...annotations };
  for (const name of type.properties) presented[name] = values[name] ?? null;
  return presented;
}

/** A list answer: its context, the count when asked for, the next page's link when there is one. */
export function collectionAnswer(request: FastifyRequest, context: string, page: ListPage<object>) {
  return {
    '@odata.context': context,
    ...(page.count === undefined ? {} : { '@odata.count': page.count }),
    ...(page.nextSkip === undefined
      ? {}
      : { '@odata.nextLink': nextLink(origin(request), request.url, page.nextSkip) }),
    value: page.value,
  };
}

/**
 * Every property of an appointment as null, in the schema's order, with or without the context
 * annotation first: copied for each answer. Set one by one, 35 properties would make the answer a
 * slow dictionary object; a copy of a parsed template is a fast one, which serialises faster.
 */
let templates: { bare: Entity; annotated: Entity } | undefined;

function appointmentTemplate(annotated: boolean): Entity {
  if (!templates) {
    const bare: Entity = {};
    for (const name of appointmentType().properties) bare[name] = null;
    templates = {
      bare: JSON.parse(JSON.stringify(bare)) as Entity,
      annotated: JSON.parse(JSON.stringify({ '@odata.context': null, ...bare })) as Entity,
    };
  }
  return annotated ? templates.annotated : templates.bare;
}

/** A stored appointment as Graph answers it: every property, null where there is no value. */
export function presentAppointment(appointment: BookingAppointment): GraphBookingAppointment {
  return presentInto({ ...appointmentTemplate(false) }, appointment);
}

/** Fills a copy of a template with the appointment's values and its customers, each with its type. */
function presentInto(presented: Entity, appointment: BookingAppointment): GraphBookingAppointment {
  const stored = appointment as Entity;
  for (const name of appointmentType().properties) presented[name] = stored[name] ?? null;
  const customers = appointment.customers ?? [];
  const typed: Entity[] = new Array(customers.length);
  for (let i = 0; i < customers.length; i++) typed[i] = { '@odata.type': customerType, ...customers[i] };
  presented.customers = typed;
  return presented as GraphBookingAppointment;
}

/** The answer to a GET, POST or PATCH of one appointment. */
export function appointmentEntity(
  request: FastifyRequest,
  businessId: string,
  appointment: BookingAppointment,
): GraphBookingAppointment {
  const presented = { ...appointmentTemplate(true) };
  presented['@odata.context'] = `${businessCollectionContext(request, businessId, 'appointments')}/$entity`;
  return presentInto(presented, appointment);
}

/** The answer to a GET of a business's appointments: one page of them, already presented. */
export function appointmentCollection(
  request: FastifyRequest,
  businessId: string,
  page: ListPage,
): BookingAppointmentCollection {
  return collectionAnswer(
    request,
    businessCollectionContext(request, businessId, 'appointments'),
    page,
  ) as BookingAppointmentCollection;
}
