import type { FastifyInstance } from 'fastify';
import { errors } from '../../core/errors.js';
import { schemaId } from '../../core/schemas/registry.js';
import { toQuestionAnswers, unansweredRequiredQuestions, unknownQuestions } from '../../domain/answers.js';
import type { BookingAppointment, SeedService, SelfServiceBooking } from '../../generated/schema-types.js';
import { appointmentEntity } from './graph-presenter.js';

function checkAnswers(booking: SelfServiceBooking, service: SeedService): void {
  const answers = booking.answers ?? {};
  const unknown = unknownQuestions(answers, service);
  if (unknown.length > 0) {
    const known = (service.customQuestions ?? []).map((question) => question.id).join(', ') || '(none)';
    throw errors.invalidAppointment(
      `/answers/${unknown[0]}`,
      `answers a question ${service.id} does not ask; its questions: ${known}`,
    );
  }
  const missing = unansweredRequiredQuestions(answers, service);
  if (missing.length > 0) {
    throw errors.invalidAppointment(
      '/answers',
      `leaves the required question${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${service.id} unanswered (the booking page asks for every required answer)`,
    );
  }
}

/** The booking page's form as the Graph appointment the service stores. */
function toAppointment(booking: SelfServiceBooking, service: SeedService): BookingAppointment {
  const { customer } = booking;
  const appointment: BookingAppointment = {
    serviceId: service.id,
    startDateTime: { dateTime: booking.start, timeZone: 'UTC' },
    customers: [
      {
        name: customer.name,
        emailAddress: customer.email,
        ...(customer.phone === undefined ? {} : { phone: customer.phone }),
        ...(customer.notes === undefined ? {} : { notes: customer.notes }),
        ...(customer.timeZone === undefined ? {} : { timeZone: customer.timeZone }),
        ...(customer.location === undefined ? {} : { location: customer.location }),
        customQuestionAnswers: toQuestionAnswers(booking.answers ?? {}, service),
      },
    ],
  };
  if (booking.end !== undefined) appointment.endDateTime = { dateTime: booking.end, timeZone: 'UTC' };
  if (booking.staff !== undefined) appointment.staffMemberIds = booking.staff;
  if (booking.notes !== undefined) appointment.additionalInformation = booking.notes;
  if (booking.sms !== undefined) appointment.smsNotificationsEnabled = booking.sms;
  return appointment;
}

/**
 * POST /_emulator/businesses/{mailbox}/book: a customer books on the public booking page, which
 * Graph cannot do. No staff token; the appointment carries its own self-service id and the
 * page link's tracking data, and fires the Created triggers like any other. It answers with the
 * appointment as Graph would show it.
 */
export async function selfServiceRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Params: { mailbox: string }; Body: SelfServiceBooking }>(
    '/:mailbox/book',
    { schema: { body: { $ref: schemaId('control-api', '#/$defs/SelfServiceBooking') } } },
    async (request, reply) => {
      const { appointments } = request.server.emulator.services;
      const { directory } = request.server.emulator.state;
      const business = appointments.business(request.params.mailbox);
      const service = directory.service(business, request.body.service);
      if (!service) {
        throw errors.serviceNotFound(
          request.body.service,
          business.email,
          (business.services ?? []).map((candidate) => candidate.id),
          '/service',
        );
      }
      checkAnswers(request.body, service);
      const trackingData = request.body.trackingData;
      const record = appointments.create(
        business.email,
        toAppointment(request.body, service),
        trackingData === undefined ? {} : { trackingData },
      );
      return reply.code(201).send(appointmentEntity(request, business.email, record.appointment));
    },
  );
}
