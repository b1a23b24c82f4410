import type { FastifyInstance } from 'fastify';
import type { BookingAppointment, CancelRequest } from '../generated/schema-types.js';
import { schemaId } from '../schemas/registry.js';

type BusinessParams = { businessId: string };
type AppointmentParams = BusinessParams & { appointmentId: string };

const graphSchema = (definition: string) => ({
  $ref: schemaId('graph-booking-appointment', `#/$defs/${definition}`),
});

/**
 * Graph-shaped appointment actions (DESIGN.md, source [E]) that change appointments and so fire
 * the triggers. Registered under /v1.0/solutions/bookingBusinesses. No credentials are asked for:
 * these routes stand in for the booking page and the staff who change appointments.
 */
export async function graphAppointmentRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: BusinessParams }>('/:businessId/appointments', async (request) => {
    const { businessId } = request.params;
    return {
      '@odata.context': `${request.protocol}://${request.host}/v1.0/$metadata#solutions/bookingBusinesses('${businessId}')/appointments`,
      value: request.server.emulator.appointments.list(businessId).map((record) => record.appointment),
    };
  });

  app.post<{ Params: BusinessParams; Body: BookingAppointment }>(
    '/:businessId/appointments',
    { schema: { body: graphSchema('bookingAppointmentCreate') } },
    async (request, reply) => {
      const record = request.server.emulator.appointments.create(request.params.businessId, request.body);
      return reply.code(201).send(record.appointment);
    },
  );

  app.get<{ Params: AppointmentParams }>('/:businessId/appointments/:appointmentId', async (request) => {
    return request.server.emulator.appointments.get(request.params.businessId, request.params.appointmentId)
      .appointment;
  });

  app.patch<{ Params: AppointmentParams; Body: BookingAppointment }>(
    '/:businessId/appointments/:appointmentId',
    { schema: { body: graphSchema('bookingAppointment') } },
    async (request) => {
      const { businessId, appointmentId } = request.params;
      return request.server.emulator.appointments.update(businessId, appointmentId, request.body).appointment;
    },
  );

  app.delete<{ Params: AppointmentParams }>(
    '/:businessId/appointments/:appointmentId',
    async (request, reply) => {
      request.server.emulator.appointments.delete(request.params.businessId, request.params.appointmentId);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: AppointmentParams; Body: CancelRequest }>(
    '/:businessId/appointments/:appointmentId/cancel',
    { schema: { body: graphSchema('cancelRequest') } },
    async (request, reply) => {
      const { businessId, appointmentId } = request.params;
      request.server.emulator.appointments.cancel(
        businessId,
        appointmentId,
        request.body.cancellationMessage,
      );
      return reply.code(204).send();
    },
  );
}
