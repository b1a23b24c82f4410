import type { BookingAppointment, GraphBookingAppointment } from '../../generated/schema-types.js';
import { entityType } from '../odata/entity-type.js';
import { writableInput } from '../odata/request-input.js';

/** Graph's bookingAppointment as schemas/graph-booking-appointment.schema.json declares it. */
export const appointmentType = () => entityType('graph-booking-appointment', 'graphBookingAppointment');

/**
 * A Graph appointment body as the appointment service's input: the stored appointment holds no
 * Graph annotations, and a null clears what was stored.
 */
export function appointmentInput(body: GraphBookingAppointment): BookingAppointment {
  return writableInput(body, appointmentType()) as BookingAppointment;
}
