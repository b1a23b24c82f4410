import type { FastifyInstance, FastifyRequest } from 'fastify';
import { schemaId } from '../../core/schemas/registry.js';
import type {
  BookingAppointmentCreate,
  CancelRequest,
  GraphBookingAppointment,
} from '../../generated/schema-types.js';
import { applyQueryOptions } from '../odata/apply.js';
import { entityType } from '../odata/entity-type.js';
import { appointmentCollection, appointmentEntity, presentAppointment } from './graph-presenter.js';
import { appointmentInput } from './graph-request.js';
import { listQueryOptions } from './graph-resources.js';

type BusinessParams = { businessId: string };
type AppointmentParams = BusinessParams & { appointmentId: string };

const graphSchema = (definition: string) => ({
  $ref: schemaId('graph-booking-appointment', `#/$defs/${definition}`),
});

/** The appointment rules, as this app composed them. */
const appointments = (request: FastifyRequest) => request.server.emulator.services.appointments;

/** Graph's cancel action, by its short name and by its namespace-qualified one. */
const cancelActions = ['cancel', 'microsoft.graph.cancel'] as const;

/**
 * Graph-shaped appointment actions (docs/contract.md, source [E]) that change appointments and so
 * fire the triggers. Registered under /v1.0/solutions/bookingBusinesses. No credentials are asked
 * for: these routes stand in for the booking page and the staff who change appointments. Bodies are
 * read by graph-request.ts and answers written by graph-presenter.ts, so that the stored
 * appointment holds no Graph annotations.
 */
export async function graphAppointmentRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: BusinessParams }>('/:businessId/appointments', async (request) => {
    const { businessId } = request.params;
    const options = listQueryOptions(
      request,
      entityType('graph-booking-appointment', 'graphBookingAppointment'),
    );
    const presented = appointments(request)
      .list(businessId)
      .map((record) => presentAppointment(record.appointment) as Record<string, unknown>);
    return appointmentCollection(request, businessId, applyQueryOptions(presented, options));
  });

  app.post<{ Params: BusinessParams; Body: BookingAppointmentCreate }>(
    '/:businessId/appointments',
    { schema: { body: graphSchema('bookingAppointmentCreate') } },
    async (request, reply) => {
      const { businessId } = request.params;
      const record = appointments(request).create(businessId, appointmentInput(request.body));
      return reply.code(201).send(appointmentEntity(request, businessId, record.appointment));
    },
  );

  app.get<{ Params: AppointmentParams }>('/:businessId/appointments/:appointmentId', async (request) => {
    const { businessId, appointmentId } = request.params;
    const record = appointments(request).get(businessId, appointmentId);
    return appointmentEntity(request, businessId, record.appointment);
  });

  app.patch<{ Params: AppointmentParams; Body: GraphBookingAppointment }>(
    '/:businessId/appointments/:appointmentId',
    { schema: { body: graphSchema('graphBookingAppointment') } },
    async (request) => {
      const { businessId, appointmentId } = request.params;
      const patch = appointmentInput(request.body);
      const record = appointments(request).update(businessId, appointmentId, patch);
      return appointmentEntity(request, businessId, record.appointment);
    },
  );

  app.delete<{ Params: AppointmentParams }>(
    '/:businessId/appointments/:appointmentId',
    async (request, reply) => {
      appointments(request).delete(request.params.businessId, request.params.appointmentId);
      return reply.code(204).send();
    },
  );

  for (const action of cancelActions) {
    app.post<{ Params: AppointmentParams; Body: CancelRequest }>(
      `/:businessId/appointments/:appointmentId/${action}`,
      { schema: { body: graphSchema('cancelRequest') } },
      async (request, reply) => {
        const { businessId, appointmentId } = request.params;
        appointments(request).cancel(businessId, appointmentId, request.body.cancellationMessage);
        return reply.code(204).send();
      },
    );
  }
}
