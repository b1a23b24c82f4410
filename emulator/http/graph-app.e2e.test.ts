import { Client } from '@microsoft/microsoft-graph-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../api/start.js';
import { createEmulatorClient } from '../client/client.js';
import { formatTriggerTime } from '../domain/appointment-data.js';
import { policyDefaults } from '../domain/policies.js';
import type {
  AppointmentData,
  BookingAppointment,
  BookingBusiness,
  BookingCustomer,
  BookingCustomQuestion,
  BookingService,
  BookingStaffMember,
  BookingWorkHours,
  Seed,
  StaffAvailabilityCollection,
} from '../generated/schema-types.js';
import { expectValidPayload } from '../testing/http.js';
import { TestReceiver } from '../testing/receiver.js';

/**
 * An app written against Graph's documentation, not against the emulator: it finds a business,
 * its service and staff, asks for a free time, saves a customer and books, all with
 * @microsoft/microsoft-graph-client pointed at a listening emulator. A flow subscribed through the
 * trigger API must see the same appointment the app booked.
 */

const salon = 'salon@northwind.example';
const ownerToken = 'owner-token-0001';
const weekday = (day: BookingWorkHours['day']): BookingWorkHours => ({
  day,
  timeSlots: [{ startTime: '09:00:00.0000000', endTime: '17:00:00.0000000' }],
});

/** A business on Pacific time, open 09:00 to 17:00 on weekdays, with one service that asks a required question. */
const seed: Seed = {
  users: [{ upn: 'owner@northwind.example', token: ownerToken }],
  businesses: [
    {
      email: salon,
      displayName: 'Northwind Salon',
      timeZone: 'Pacific Standard Time',
      businessHours: (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map(weekday),
      staff: [
        {
          id: 'st-owner',
          displayName: 'Olive Owner',
          emailAddress: 'owner@northwind.example',
          role: 'administrator',
        },
        {
          id: 'st-sam',
          displayName: 'Sam Stylist',
          emailAddress: 'sam@northwind.example',
          role: 'teamMember',
        },
      ],
      services: [
        {
          id: 'cut',
          displayName: 'Haircut',
          durationMinutes: 45,
          maxAttendees: 1,
          staffMemberIds: ['st-sam'],
          customQuestions: [
            { id: 'length', question: 'How short?', answerOptions: ['Trim', 'Short'], isRequired: true },
          ],
        },
      ],
    },
  ],
};

/** A Tuesday in January: Pacific Standard Time is UTC-08:00 all day. */
const day = { start: '2027-01-12T00:00:00', end: '2027-01-13T00:00:00' };
const pacific = 'Pacific Standard Time';

type Saved<T> = T & { id: string };
type Collection<T> = { value: Saved<T>[] };

describe('an app written against Graph v1.0 books through the emulator', () => {
  let emulator: RunningEmulator;
  let receiver: TestReceiver;
  let graph: Client;

  beforeEach(async () => {
    emulator = await startEmulator({ seed, logLevel: false });
    receiver = await new TestReceiver().start();
    graph = Client.init({
      baseUrl: emulator.url,
      defaultVersion: 'v1.0',
      authProvider: (done) => done(null, 'any-token'),
    });
  });

  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  function staffAvailability(business: string, staffId: string): Promise<StaffAvailabilityCollection> {
    return graph
      .api(`/solutions/bookingBusinesses/${encodeURIComponent(business)}/getStaffAvailability`)
      .post({
        staffIds: [staffId],
        startDateTime: { dateTime: day.start, timeZone: pacific },
        endDateTime: { dateTime: day.end, timeZone: pacific },
      });
  }

  it('finds a free slot, saves a customer, books it in Pacific time, and the flow gets the same appointment', async () => {
    // The flow side: subscribed through the trigger API as the business's administrator.
    const trigger = createEmulatorClient({ baseUrl: emulator.url, token: ownerToken });
    const subscribed = await trigger.subscribe({ mailbox: salon, url: `${receiver.url}/created` });
    expect(subscribed.status).toBe(200);

    // The app side, from here on only Graph's documented calls.
    const businesses: Collection<BookingBusiness> = await graph.api('/solutions/bookingBusinesses').get();
    const listed = businesses.value.find((business) => business.displayName === 'Northwind Salon');
    expect(listed).toBeDefined();
    const businessPath = `/solutions/bookingBusinesses/${encodeURIComponent(listed?.id ?? '')}`;
    const business: Saved<BookingBusiness> = await graph.api(businessPath).get();
    expect(business.id).toBe(salon);
    expect(business.businessHours?.find((hours) => hours.day === 'tuesday')?.timeSlots).toEqual([
      { startTime: '09:00:00.0000000', endTime: '17:00:00.0000000' },
    ]);

    const services: Collection<BookingService> = await graph.api(`${businessPath}/services`).get();
    const haircut = services.value.find((service) => service.displayName === 'Haircut');
    const staff: Collection<BookingStaffMember> = await graph.api(`${businessPath}/staffMembers`).get();
    const stylist = staff.value.find((member) => haircut?.staffMemberIds?.includes(member.id));
    expect(haircut?.id).toBe('cut');
    expect(stylist?.id).toBe('st-sam');
    const questions: Collection<BookingCustomQuestion> = await graph
      .api(`${businessPath}/customQuestions`)
      .get();
    const required = haircut?.customQuestions?.find((assigned) => assigned.isRequired);
    const question = questions.value.find((each) => each.id === required?.questionId);
    expect(question?.answerOptions).toEqual(['Trim', 'Short']);

    const before = await staffAvailability(salon, stylist?.id ?? '');
    const slot = before.value[0]?.availabilityItems.find((item) => item.status === 'available');
    // The day opens at 09:00 Pacific, given back in the zone the app asked in.
    expect(slot?.startDateTime).toMatchObject({ timeZone: pacific });
    expect(slot?.startDateTime.dateTime).toMatch(/^2027-01-12T09:00:00/);

    const customer: Saved<BookingCustomer> = await graph.api(`${businessPath}/customers`).post({
      '@odata.type': '#microsoft.graph.bookingCustomer',
      displayName: 'Jordan Miller',
      emailAddress: 'jordan@example.com',
    });
    expect(customer.id).toEqual(expect.any(String));

    const booking: BookingAppointment = {
      '@odata.type': '#microsoft.graph.bookingAppointment',
      serviceId: haircut?.id ?? '',
      staffMemberIds: [stylist?.id ?? ''],
      startDateTime: { dateTime: slot?.startDateTime.dateTime ?? '', timeZone: pacific },
      customers: [
        {
          '@odata.type': '#microsoft.graph.bookingCustomerInformation',
          customerId: customer.id,
          name: customer.displayName ?? '',
          emailAddress: customer.emailAddress ?? '',
          customQuestionAnswers: [
            { questionId: question?.id ?? '', selectedOptions: [question?.answerOptions?.[0] ?? ''] },
          ],
        },
      ],
    };
    const created: Saved<BookingAppointment> = await graph.api(`${businessPath}/appointments`).post(booking);
    // 09:00 Pacific Standard Time is 17:00 UTC; Graph answers in UTC.
    expect(created.startDateTime).toStrictEqual({
      dateTime: '2027-01-12T17:00:00.0000000Z',
      timeZone: 'UTC',
    });
    expect(created.endDateTime).toStrictEqual({ dateTime: '2027-01-12T17:45:00.0000000Z', timeZone: 'UTC' });
    expect(created.customers?.[0]?.customerId).toBe(customer.id);

    // The flow's side of the same booking.
    await receiver.waitFor(1);
    const [received] = receiver.received;
    expect(received?.path).toBe('/created');
    expectValidPayload(received?.body);
    const payload = received?.body as AppointmentData;
    expect(payload.Id).toBe(created.id);
    expect(payload.CustomerEmail).toBe('jordan@example.com');
    expect(payload.CustomerId).toBe(customer.id);
    expect(payload.ServiceId).toBe('cut');
    expect(payload.ServiceName).toBe('Haircut');
    expect(payload.StartTime).toBe(
      formatTriggerTime(Date.parse('2027-01-12T17:00:00Z'), policyDefaults['time-format']),
    );

    // The day's calendar shows it (the window given with Pacific offsets)...
    const calendar: Collection<BookingAppointment> = await graph
      .api(`${businessPath}/calendarView?start=2027-01-12T00:00:00-08:00&end=2027-01-13T00:00:00-08:00`)
      .get();
    expect(calendar.value.map((appointment) => appointment.id)).toEqual([created.id]);

    // ...and the stylist is busy in the slot the app booked.
    const after = await staffAvailability(salon, stylist?.id ?? '');
    const busy = after.value[0]?.availabilityItems.find((item) => item.status === 'busy');
    expect(busy).toMatchObject({ serviceId: 'cut', startDateTime: slot?.startDateTime });
    expect(busy?.endDateTime.dateTime).toMatch(/^2027-01-12T09:45:00/);
    expect(
      after.value[0]?.availabilityItems.find((item) => item.status === 'available')?.startDateTime.dateTime,
    ).toMatch(/^2027-01-12T09:45:00/);
  });
});
