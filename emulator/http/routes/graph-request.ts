import type { BookingAppointment, GraphBookingAppointment } from '../../generated/schema-types.js';
import { graphAppointmentShape, isControlInformation } from './graph-shape.js';

/** A JSON value with OData control information (`@odata.type` and the like) removed at every depth. */
function withoutControlInformation(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutControlInformation);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !isControlInformation(name))
      .map(([name, item]) => [name, withoutControlInformation(item)]),
  );
}

/**
 * A Graph request body, already checked against the schema, as the appointment service's input.
 * Only writable Graph properties pass: read-only ones are ignored as Graph ignores them, and so are
 * control information and properties the emulator does not model. A null means no value: the key
 * stays with `undefined`, so that an update clears what was stored.
 */
export function appointmentInput(body: GraphBookingAppointment): BookingAppointment {
  const { writable } = graphAppointmentShape();
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (writable.has(name)) input[name] = value === null ? undefined : withoutControlInformation(value);
  }
  return input as BookingAppointment;
}
