import { loadSchemaDocument } from '../../core/schemas/documents.js';

interface PropertySchema {
  readOnly?: boolean;
}

interface ObjectSchema {
  properties: Record<string, PropertySchema>;
}

export interface GraphAppointmentShape {
  /** Every property of Graph's bookingAppointment, in the schema's order, OData control information left out. */
  properties: readonly string[];
  /** The ones a client may set: the others the service computes or assigns (readOnly in the schema). */
  writable: ReadonlySet<string>;
}

let shape: GraphAppointmentShape | undefined;

/** `@odata.type`, `@odata.context`, `priceType@odata.type`: OData's control information, not data. */
export function isControlInformation(name: string): boolean {
  return name.includes('@');
}

/** The bookingAppointment shape as schemas/graph-booking-appointment.schema.json declares it, read on first use. */
export function graphAppointmentShape(): GraphAppointmentShape {
  if (!shape) {
    const definitions = loadSchemaDocument('graph-booking-appointment').$defs as Record<string, ObjectSchema>;
    const stored = definitions.bookingAppointment?.properties ?? {};
    const properties = Object.keys(definitions.graphBookingAppointment?.properties ?? {}).filter(
      (name) => !isControlInformation(name),
    );
    shape = {
      properties,
      writable: new Set(properties.filter((name) => stored[name]?.readOnly !== true)),
    };
  }
  return shape;
}
