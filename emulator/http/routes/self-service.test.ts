import { describe, expect, it } from 'vitest';
import { type HarnessOptions, onlyPayload, startHarness } from '../../testing/delivery-harness.js';
import { expectError, oneServiceAnswers } from '../../testing/http.js';
import { lunch } from '../../testing/seed.js';

const bookPath = `/_emulator/businesses/${encodeURIComponent(lunch)}/book`;
const booking = {
  service: 'one',
  start: '2026-01-06T09:00:00Z',
  customer: { name: 'Ana Alvarez', email: 'ana@example.com', notes: 'Ring twice', timeZone: 'Europe/Madrid' },
  answers: { topic: 'Tax', notes: 'First visit' },
  trackingData: 'utm_source=newsletter',
};

describe('POST /_emulator/businesses/{mailbox}/book (a customer on the booking page)', () => {
  async function bookAndReceive(body: object, options: HarnessOptions = {}) {
    const h = await startHarness(options);
    const { receiver } = await h.flow();
    const response = await h.app.inject({ method: 'POST', url: bookPath, payload: body });
    expect(response.statusCode, response.body).toBe(201);
    const payload = await onlyPayload(receiver);
    await h.waitForSettled(1);
    return { appointment: response.json(), payload };
  }

  it('needs no staff token, fires Created with TrackingData, the answers and a self-service id of its own', async () => {
    const { appointment, payload } = await bookAndReceive(booking, {
      policies: { 'self-service-id': 'zero' },
    });
    expect(appointment.id).toEqual(expect.any(String));
    // Answered as Graph shows an appointment: every property, the entity context.
    expect(appointment['@odata.context']).toMatch(
      /bookingBusinesses\('lunch%40contoso\.example'\)\/appointments\/\$entity$/,
    );
    expect(appointment).toHaveProperty('anonymousJoinWebUrl', null);
    expect(appointment.selfServiceAppointmentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(appointment.selfServiceAppointmentId).not.toBe('00000000-0000-0000-0000-000000000000');
    expect(payload.TrackingData).toBe('utm_source=newsletter');
    // self-service-id is about staff-made bookings; a customer booking carries its own id whatever it says.
    expect(payload.SelfServiceAppointmentId).toBe(appointment.selfServiceAppointmentId);
    expect(payload.Id).toBe(appointment.id);
    expect(payload.CustomerName).toBe('Ana Alvarez');
    expect(payload.CustomerNotes).toBe('Ring twice');
    expect(payload.CustomerTimeZone).toBe('Europe/Madrid');
    expect(payload.CustomQuestionAnswers).toEqual(oneServiceAnswers([0], 'First visit'));
    expect(payload.StartTime).toBe('01/06/2026 09:00:00');
  });

  it('takes the service duration for the end, staff, notes and sms when given', async () => {
    const { appointment, payload } = await bookAndReceive({
      ...booking,
      staff: ['s-member'],
      notes: 'Parking at the back',
      sms: true,
    });
    expect(appointment.endDateTime.dateTime).toBe('2026-01-06T09:30:00.0000000Z');
    expect(payload.StaffMembers?.map((member) => member.Id)).toEqual(['s-member']);
    expect(payload.AdditionalInfo).toBe('Parking at the back');
    expect(payload.IsSMSNotificationsEnabled).toBe(true);
  });

  it('refuses what the booking page would refuse, each with the field to fix, and books nothing', async () => {
    const { app: target } = await startHarness();
    const book = (body: unknown, path = bookPath) =>
      target.inject({ method: 'POST', url: path, payload: body as object });
    const missingRequired = await book({ ...booking, answers: { notes: 'x' } });
    expectError(missingRequired, 400, 'InvalidAppointment');
    expect(missingRequired.json().error.message).toContain('required question topic');
    const blankRequired = await book({ ...booking, answers: { topic: [] } });
    expectError(blankRequired, 400, 'InvalidAppointment');
    const unknownQuestion = await book({ ...booking, answers: { topic: 'Tax', colour: 'blue' } });
    expectError(unknownQuestion, 400, 'InvalidAppointment');
    expect(unknownQuestion.json().error.target).toBe('/answers/colour');
    const badOption = await book({ ...booking, answers: { topic: 'Gardening' } });
    expectError(badOption, 400, 'InvalidAppointment');
    const unknownService = await book({ ...booking, service: 'nope' });
    expectError(unknownService, 400, 'ServiceNotFound');
    expect(unknownService.json().error.target).toBe('/service');
    expectError(await book(booking, '/_emulator/businesses/nobody%40x.example/book'), 404, 'MailboxNotFound');
    expectError(await book({ ...booking, start: '2026-01-06T09:00:00' }), 400, 'InvalidRequestBody');
    expectError(await book({ ...booking, customer: { name: 'No Mail' } }), 400, 'InvalidRequestBody');
    expectError(await book({ service: 'one', start: booking.start }), 400, 'InvalidRequestBody');
    const listed = await target.inject({
      method: 'GET',
      url: `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(lunch)}/appointments`,
    });
    expect(listed.json().value).toEqual([]);
  });
});
