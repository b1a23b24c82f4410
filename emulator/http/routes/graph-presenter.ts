import type { FastifyRequest } from 'fastify';
import type {
  BookingAppointment,
  BookingAppointmentCollection,
  GraphBookingAppointment,
} from '../../generated/schema-types.js';
import { graphAppointmentShape } from './graph-shape.js';

/**
 * OData annotates a value with `@odata.type` only when its type is not the declared one. Customers
 * are declared as the abstract bookingCustomerInformationBase, so each carries its type; dates,
 * locations, reminders and answers are of their declared types and carry none, as in Graph's
 * answers (source [E]).
 */
const customerType = '#microsoft.graph.bookingCustomerInformation';

/** A stored appointment as Graph answers it: every property, null where there is no value. */
function presentAppointment(appointment: BookingAppointment): GraphBookingAppointment {
  const stored = appointment as Record<string, unknown>;
  const presented: Record<string, unknown> = {};
  for (const name of graphAppointmentShape().properties) presented[name] = stored[name] ?? null;
  presented.customers = (appointment.customers ?? []).map((customer) => ({
    '@odata.type': customerType,
    ...customer,
  }));
  return presented as GraphBookingAppointment;
}

/** The context URL of a business's appointments: the key an OData string literal, percent-encoded as in Graph's answers (source [E]). */
function appointmentsContext(request: FastifyRequest, businessId: string): string {
  const key = encodeURIComponent(businessId.replaceAll("'", "''"));
  return `${request.protocol}://${request.host}/v1.0/$metadata#solutions/bookingBusinesses('${key}')/appointments`;
}

/** The answer to a GET, POST or PATCH of one appointment. */
export function appointmentEntity(
  request: FastifyRequest,
  businessId: string,
  appointment: BookingAppointment,
): GraphBookingAppointment {
  return {
    '@odata.context': `${appointmentsContext(request, businessId)}/$entity`,
    ...presentAppointment(appointment),
  };
}

/** The answer to a GET of a business's appointments. */
export function appointmentCollection(
  request: FastifyRequest,
  businessId: string,
  appointments: readonly BookingAppointment[],
): BookingAppointmentCollection {
  return {
    '@odata.context': appointmentsContext(request, businessId),
    value: appointments.map(presentAppointment),
  };
}
