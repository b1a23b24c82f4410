import type { BookingAppointment, GraphBookingAppointment } from '../../generated/schema-types.js';
import { type EntityType, entityType } from '../odata/entity-type.js';
import { writableInput } from '../odata/request-input.js';

let graphAppointment: EntityType | undefined;

/** Graph's bookingAppointment as schemas/graph-booking-appointment.schema.json declares it, read on first use. */
export function appointmentType(): EntityType {
  graphAppointment ??= entityType('graph-booking-appointment', 'graphBookingAppointment');
  return graphAppointment;
}

/**
 * A Graph appointment body as the appointment service's input: the stored appointment holds no
 * Graph annotations, and a null clears what was stored.
 */
export function appointmentInput(body: GraphBookingAppointment): BookingAppointment {
  return writableInput(body, appointmentType()) as BookingAppointment;
}
