import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../config/options.js';
import type { AppointmentData } from '../generated/schema-types.js';
import { type Created, onlyPayload, startHarness } from '../testing/delivery-harness.js';
import { oneServiceAnswers, oneToOneAppointment } from '../testing/http.js';

/**
 * AppointmentData as a flow receives it, field by field, against the Graph mapping of
 * docs/contract.md (The callback). Everything goes through the app: Graph-shaped create, then a real POST to a
 * receiver on 127.0.0.1.
 */

/** The location of {@link oneToOneAppointment}'s customer, as a flow receives it. */
const homeLocation = {
  DisplayName: 'Home',
  PhysicalAddress: {
    City: 'Springfield',
    CountryOrRegion: 'USA',
    PostalCode: '62701',
    State: 'IL',
    Street: '1 Main St',
  },
};

const groupCustomers = [
  {
    name: 'Ana Alvarez',
    emailAddress: 'ana@example.com',
    phone: '+1 555 0101',
    notes: 'Needs a ramp',
    timeZone: 'Europe/Madrid',
    location: { displayName: 'Office', address: { city: 'Madrid', countryOrRegion: 'Spain' } },
    customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['None'] }],
  },
  {
    name: 'Ben Brown',
    emailAddress: 'ben@example.com',
    timeZone: 'Europe/London',
    customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['Vegan'] }],
  },
];

function groupAppointment(overrides: Record<string, unknown> = {}) {
  return {
    serviceId: 'group',
    startDateTime: { dateTime: '2026-01-06T13:00:00', timeZone: 'UTC' },
    customers: groupCustomers,
    additionalInformation: 'Bring a laptop',
    ...overrides,
  };
}

describe('AppointmentData formatting (docs/contract.md (The callback))', () => {
  /** Builds an app, subscribes a receiver to Created, creates one appointment, returns both sides. */
  async function deliver(
    body: object,
    options: EmulatorOptions = {},
  ): Promise<{ created: Created; payload: AppointmentData }> {
    const h = await startHarness(options);
    const { receiver } = await h.flow();
    const created = await h.create(body);
    const [delivery] = await h.waitForSettled(1);
    expect(delivery?.status).toBe('delivered');
    return { created, payload: await onlyPayload(receiver) };
  }

  describe('a 1:1 booking', () => {
    it('maps AdditionalInfo and the top-level Customer* fields', async () => {
      const { created, payload } = await deliver(oneToOneAppointment());
      const customerId = created.customers?.[0]?.customerId;
      expect(customerId).toEqual(expect.any(String));
      expect(payload.AdditionalInfo).toBe('Second floor');
      expect(payload.CustomerEmail).toBe('jordan@example.com');
      expect(payload.CustomerId).toBe(customerId);
      expect(payload.CustomerName).toBe('Jordan Miller');
      expect(payload.CustomerPhone).toBe('+1 555 0100');
      expect(payload.CustomerTimeZone).toBe('America/New_York');
      expect(payload.CustomerLocation).toStrictEqual(homeLocation);
    });

    it('maps custom questions: QuestionID casing, options, SelectedOptions as indexes, text Answer', async () => {
      const { payload } = await deliver(oneToOneAppointment());
      expect(payload.CustomQuestionAnswers).toStrictEqual(oneServiceAnswers([1], 'Bring coffee'));
      const choice = payload.CustomQuestionAnswers?.[0];
      expect(choice).not.toHaveProperty('QuestionId');
      for (const index of choice?.SelectedOptions ?? []) {
        expect(Number.isInteger(index)).toBe(true);
        expect(choice?.AnswerOptions?.[index]).toBe('Audit');
      }
    });

    it('selects several options by index, in the order given', async () => {
      const body = oneToOneAppointment({
        customers: [
          {
            name: 'Jordan Miller',
            emailAddress: 'jordan@example.com',
            customQuestionAnswers: [{ questionId: 'topic', selectedOptions: ['Payroll', 'Tax'] }],
          },
        ],
      });
      const { payload } = await deliver(body);
      expect(payload.CustomQuestionAnswers?.[0]?.SelectedOptions).toStrictEqual([2, 0]);
    });

    it('takes a choice given only as answer text as the matching option', async () => {
      const body = oneToOneAppointment({
        customers: [
          {
            name: 'Jordan Miller',
            emailAddress: 'jordan@example.com',
            customQuestionAnswers: [{ questionId: 'topic', answer: 'Payroll' }],
          },
        ],
      });
      const { payload } = await deliver(body);
      expect(payload.CustomQuestionAnswers?.[0]?.SelectedOptions).toStrictEqual([2]);
      expect(payload.CustomQuestionAnswers?.[0]?.AnswerOptions).toStrictEqual(['Tax', 'Audit', 'Payroll']);
    });

    it('also lists the one customer in Customers[], with its own Answers', async () => {
      const { created, payload } = await deliver(oneToOneAppointment());
      expect(payload.Customers).toHaveLength(1);
      expect(payload.Customers?.[0]).toStrictEqual({
        Email: 'jordan@example.com',
        Id: created.customers?.[0]?.customerId,
        Name: 'Jordan Miller',
        Notes: 'Prefers mornings',
        TimeZone: 'America/New_York',
        Location: homeLocation,
        Answers: payload.CustomQuestionAnswers,
      });
      // CustomerData has no phone field (source [A]).
      expect(payload.Customers?.[0]).not.toHaveProperty('Phone');
    });

    it('expands StaffMembers from the seed, as an array even with one host', async () => {
      const { payload } = await deliver(oneToOneAppointment());
      expect(payload.StaffMembers).toStrictEqual([
        { DisplayName: 'Ada Admin', EmailAddress: 'admin@contoso.example', Id: 's-admin' },
      ]);
    });

    it('expands explicit staffMemberIds in their order', async () => {
      const { payload } = await deliver(oneToOneAppointment({ staffMemberIds: ['s-sched', 's-member'] }));
      expect(payload.StaffMembers).toStrictEqual([
        { DisplayName: 'Sam Scheduler', EmailAddress: 'scheduler@contoso.example', Id: 's-sched' },
        { DisplayName: 'Mia Member', EmailAddress: 'member@contoso.example', Id: 's-member' },
      ]);
    });

    it('has StartTime/EndTime in the invariant form, UTC, and Duration in whole seconds (the real run)', async () => {
      const { payload } = await deliver(oneToOneAppointment());
      expect(payload.StartTime).toBe('01/06/2026 09:00:00');
      expect(payload.EndTime).toBe('01/06/2026 09:30:00');
      expect(payload.Duration).toBe(1800);
    });

    it('takes Duration from an explicit endDateTime', async () => {
      const { payload } = await deliver(
        oneToOneAppointment({ endDateTime: { dateTime: '2026-01-06T10:15:00', timeZone: 'UTC' } }),
      );
      expect(payload.EndTime).toBe('01/06/2026 10:15:00');
      expect(payload.Duration).toBe(75 * 60);
    });

    it('maps counts, SMS flag and the service fields', async () => {
      const { payload } = await deliver(oneToOneAppointment());
      expect(payload.MaxAttendeesCount).toBe(1);
      expect(payload.FilledAttendeesCount).toBe(1);
      expect(payload.IsSMSNotificationsEnabled).toBe(false);
      expect(payload.ServiceId).toBe('one');
      expect(payload.ServiceName).toBe('Consultation');
      expect(payload.ServiceNotes).toBe('Service notes for staff');
      // The 1:1 service is not online.
      expect(payload).not.toHaveProperty('JoinWebURL');
    });

    it('maps smsNotificationsEnabled and customerTimeZone set on the appointment', async () => {
      const { payload } = await deliver(
        oneToOneAppointment({ smsNotificationsEnabled: true, customerTimeZone: 'Europe/London' }),
      );
      expect(payload.IsSMSNotificationsEnabled).toBe(true);
      expect(payload.CustomerTimeZone).toBe('Europe/London');
    });

    it('sets Id to the Graph appointment id and SelfServiceAppointmentId to a GUID of its own (self-service-id=fresh)', async () => {
      const { created, payload } = await deliver(oneToOneAppointment());
      expect(created.id).toEqual(expect.any(String));
      expect(payload.Id).toBe(created.id);
      expect(payload.SelfServiceAppointmentId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      expect(payload.SelfServiceAppointmentId).not.toBe(created.id);
      expect(payload.SelfServiceAppointmentId).not.toBe('00000000-0000-0000-0000-000000000000');
      // Graph itself shows the all-zero GUID for appointments made through Graph (source [E]).
      expect(created.selfServiceAppointmentId).toBe('00000000-0000-0000-0000-000000000000');
    });

    it('ignores read-only ids a client sends', async () => {
      const { created, payload } = await deliver(
        oneToOneAppointment({ id: 'client-id', selfServiceAppointmentId: 'client-self-service-id' }),
      );
      expect(created.id).not.toBe('client-id');
      expect(created.selfServiceAppointmentId).toBe('00000000-0000-0000-0000-000000000000');
      expect(payload.Id).toBe(created.id);
      expect(payload.SelfServiceAppointmentId).not.toBe('client-self-service-id');
    });

    it('leaves out what the appointment does not have, and never sends CancelReason on create', async () => {
      // No answers at all, the required topic included: only graph-required-answers=ignore lets Graph book it.
      const { payload } = await deliver(
        {
          serviceId: 'one',
          startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
          customers: [{ name: 'Kim Lee', emailAddress: 'kim@example.com' }],
        },
        { policies: { 'graph-required-answers': 'ignore' } },
      );
      for (const absent of [
        'AdditionalInfo',
        'CustomerPhone',
        'CustomerLocation',
        'CustomerTimeZone',
        'CustomerNotes',
        'CancelReason',
        'JoinWebURL',
      ]) {
        expect(payload, absent).not.toHaveProperty(absent);
      }
      expect(payload.CustomQuestionAnswers).toStrictEqual([]);
      expect(payload.Customers?.[0]?.Answers).toStrictEqual([]);
    });

    it('matches the whole expected payload', async () => {
      const { created, payload } = await deliver(oneToOneAppointment());
      const answers = oneServiceAnswers([1], 'Bring coffee');
      const customerId = created.customers?.[0]?.customerId;
      expect(payload).toStrictEqual({
        AdditionalInfo: 'Second floor',
        CustomerEmail: 'jordan@example.com',
        CustomerId: customerId,
        CustomerLocation: homeLocation,
        CustomerName: 'Jordan Miller',
        CustomerNotes: 'Prefers mornings',
        CustomQuestionAnswers: answers,
        CustomerPhone: '+1 555 0100',
        CustomerTimeZone: 'America/New_York',
        Customers: [
          {
            Email: 'jordan@example.com',
            Id: customerId,
            Location: homeLocation,
            Name: 'Jordan Miller',
            Notes: 'Prefers mornings',
            TimeZone: 'America/New_York',
            Answers: answers,
          },
        ],
        Duration: 1800,
        EndTime: '01/06/2026 09:30:00',
        FilledAttendeesCount: 1,
        Id: created.id,
        IsSMSNotificationsEnabled: false,
        MaxAttendeesCount: 1,
        SelfServiceAppointmentId: payload.SelfServiceAppointmentId,
        ServiceId: 'one',
        ServiceName: 'Consultation',
        ServiceNotes: 'Service notes for staff',
        StaffMembers: [{ DisplayName: 'Ada Admin', EmailAddress: 'admin@contoso.example', Id: 's-admin' }],
        StartTime: '01/06/2026 09:00:00',
      });
      expect(payload.SelfServiceAppointmentId).not.toBe(created.id);
    });
  });

  describe('a group booking', () => {
    it('has one Customers[] entry per customer, each with its own Answers, and no top-level Customer* fields', async () => {
      const { created, payload } = await deliver(groupAppointment());
      const ids = created.customers?.map((customer) => customer.customerId);
      expect(ids).toHaveLength(2);
      expect(payload.Customers).toStrictEqual([
        {
          Email: 'ana@example.com',
          Id: ids?.[0],
          Location: { DisplayName: 'Office', PhysicalAddress: { City: 'Madrid', CountryOrRegion: 'Spain' } },
          Name: 'Ana Alvarez',
          Notes: 'Needs a ramp',
          TimeZone: 'Europe/Madrid',
          Answers: [
            {
              QuestionID: 'diet',
              Question: 'Diet?',
              IsRequired: true,
              AnswerOptions: ['None', 'Vegan'],
              SelectedOptions: [0],
            },
          ],
        },
        {
          Email: 'ben@example.com',
          Id: ids?.[1],
          Name: 'Ben Brown',
          TimeZone: 'Europe/London',
          Answers: [
            {
              QuestionID: 'diet',
              Question: 'Diet?',
              IsRequired: true,
              AnswerOptions: ['None', 'Vegan'],
              SelectedOptions: [1],
            },
          ],
        },
      ]);
      for (const absent of [
        'CustomerEmail',
        'CustomerId',
        'CustomerName',
        'CustomerPhone',
        'CustomerNotes',
        'CustomerLocation',
        'CustomerTimeZone',
        'CustomQuestionAnswers',
      ]) {
        expect(payload, absent).not.toHaveProperty(absent);
      }
    });

    it('maps counts, SMS flag, JoinWebURL of the online service, staff and times', async () => {
      const { created, payload } = await deliver(groupAppointment());
      expect(payload.MaxAttendeesCount).toBe(5);
      expect(payload.FilledAttendeesCount).toBe(2);
      expect(payload.IsSMSNotificationsEnabled).toBe(true);
      expect(created.joinWebUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\/.+\?context=/);
      // The trigger's link is Graph's with the web-join suffix the real run shows (source [F]).
      expect(payload.JoinWebURL).toBe(`${created.joinWebUrl}&webjoin=true&unified=true`);
      expect(payload.ServiceId).toBe('group');
      expect(payload.ServiceName).toBe('Workshop');
      expect(payload).not.toHaveProperty('ServiceNotes');
      expect(payload.AdditionalInfo).toBe('Bring a laptop');
      expect(payload.StaffMembers).toStrictEqual([
        { DisplayName: 'Ada Admin', EmailAddress: 'admin@contoso.example', Id: 's-admin' },
        { DisplayName: 'Mia Member', EmailAddress: 'member@contoso.example', Id: 's-member' },
      ]);
      expect(payload.StartTime).toBe('01/06/2026 13:00:00');
      expect(payload.EndTime).toBe('01/06/2026 14:30:00');
      expect(payload.Duration).toBe(90 * 60);
      expect(payload.Id).toBe(created.id);
    });

    it('keeps a joinWebUrl the client set', async () => {
      const { payload } = await deliver(groupAppointment({ joinWebUrl: 'https://meet.example/room-1' }), {
        policies: { 'join-url-suffix': 'off' },
      });
      expect(payload.JoinWebURL).toBe('https://meet.example/room-1');
    });
  });

  describe('times and time zones', () => {
    it('delivers an appointment created in Europe/Paris in UTC (winter, UTC+1)', async () => {
      const { created, payload } = await deliver(
        oneToOneAppointment({ startDateTime: { dateTime: '2026-01-06T10:00:00', timeZone: 'Europe/Paris' } }),
      );
      expect(created.startDateTime).toStrictEqual({
        dateTime: '2026-01-06T09:00:00.0000000Z',
        timeZone: 'UTC',
      });
      expect(payload.StartTime).toBe('01/06/2026 09:00:00');
      expect(payload.EndTime).toBe('01/06/2026 09:30:00');
      expect(payload.Duration).toBe(1800);
    });

    it('delivers an appointment created in Europe/Paris in UTC (summer, UTC+2)', async () => {
      const { payload } = await deliver(
        oneToOneAppointment({
          startDateTime: { dateTime: '2026-07-06T11:00:00', timeZone: 'Europe/Paris' },
          endDateTime: { dateTime: '2026-07-06T12:00:00', timeZone: 'Europe/Paris' },
        }),
      );
      expect(payload.StartTime).toBe('07/06/2026 09:00:00');
      expect(payload.EndTime).toBe('07/06/2026 10:00:00');
      expect(payload.Duration).toBe(3600);
    });

    it('switches to Exchange-style times and minutes when both policies say so', async () => {
      const { payload } = await deliver(oneToOneAppointment(), {
        policies: { 'time-format': 'exchange', 'duration-unit': 'minutes' },
      });
      expect(payload.StartTime).toBe('2026-01-06T09:00:00.0000000Z');
      expect(payload.EndTime).toBe('2026-01-06T09:30:00.0000000Z');
      expect(payload.Duration).toBe(30);
    });

    it('switches only the time format when only time-format is set', async () => {
      const { payload } = await deliver(groupAppointment(), { policies: { 'time-format': 'iso' } });
      expect(payload.StartTime).toBe('2026-01-06T13:00:00.000Z');
      expect(payload.EndTime).toBe('2026-01-06T14:30:00.000Z');
      expect(payload.Duration).toBe(5400);
    });

    it('switches only the duration unit when only duration-unit is set', async () => {
      const { payload } = await deliver(groupAppointment(), { policies: { 'duration-unit': 'minutes' } });
      expect(payload.StartTime).toBe('01/06/2026 13:00:00');
      expect(payload.Duration).toBe(90);
    });
  });
});
