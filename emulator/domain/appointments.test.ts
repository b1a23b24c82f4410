import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.js';
import { EmulatorError } from '../core/errors.js';
import { createIdGenerator } from '../core/ids.js';
import type {
  BookingAppointment,
  BookingCustomerInformation,
  ErrorCode,
  Seed,
  SeedService,
} from '../generated/schema-types.js';
import { createMemoryStore } from '../state/memory/memory-store.js';
import { oneToOneAppointment } from '../testing/http.js';
import { clinic, jordan, lunch, testSeed } from '../testing/seed.js';
import {
  type AppointmentChange,
  AppointmentService,
  type GraphBookingRules,
  lenientRules,
  zeroGuid,
} from './appointments.js';
import { Directory } from './directory.js';

/**
 * The AppointmentService on its own (no HTTP): a memory store, a virtual clock and a seeded id
 * generator, on the test seed plus two services that exercise the defaults.
 */

const clockStart = '2026-01-05T08:00:00.000Z';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Buffers and a price of its own, a 45-minute duration, and no staff list (so the first staff member hosts). */
const pricedService: SeedService = {
  id: 'priced',
  displayName: 'Tax review',
  durationMinutes: 45,
  preBufferMinutes: 10,
  postBufferMinutes: 5,
  price: 80,
  priceType: 'fixedPrice',
  maxAttendees: 1,
};
/** No duration, capacity or questions: every default applies. */
const bareService: SeedService = { id: 'bare', displayName: 'Drop-in' };

const seed: Seed = {
  ...testSeed,
  businesses: testSeed.businesses.map((business) =>
    business.email === lunch
      ? { ...business, services: [...(business.services ?? []), pricedService, bareService] }
      : business,
  ),
};

function setup(
  options: { rescheduleGivesNewId?: boolean; idSeed?: number; rules?: Partial<GraphBookingRules> } = {},
) {
  const stores = createMemoryStore();
  const clock = new VirtualClock(Date.parse(clockStart));
  const changes: AppointmentChange[] = [];
  const directory = new Directory(seed);
  /** The rules in force, which a test may change between calls; absent, the service has none. */
  const rules: GraphBookingRules | undefined = options.rules && { ...lenientRules, ...options.rules };
  const service = new AppointmentService({
    directory,
    store: stores.appointments,
    clock,
    ids: createIdGenerator(options.idSeed ?? 7),
    rescheduleGivesNewId: () => options.rescheduleGivesNewId ?? false,
    ...(rules ? { rules: () => rules } : {}),
    onChange: (change) => changes.push(change),
  });
  return {
    service,
    store: stores.appointments,
    clock,
    changes,
    rules,
    lunchBusiness: directory.business(lunch),
  };
}

/** Graph's UTC form of an instant on 2026-01-06 (the day the test bodies book). */
function utc(time: string) {
  return { dateTime: `2026-01-06T${time}.0000000Z`, timeZone: 'UTC' };
}

/** A 1:1 body on `serviceId` for one customer who answers nothing. */
function plainBooking(serviceId: string, overrides: BookingAppointment = {}): BookingAppointment {
  return {
    serviceId,
    startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
    customers: [{ ...jordan }],
    ...overrides,
  };
}

/** A group body with `count` customers who each answer the diet question. */
function groupBooking(count: number, overrides: BookingAppointment = {}): BookingAppointment {
  const customers: BookingCustomerInformation[] = Array.from({ length: count }, (_, n) => ({
    name: `Guest ${n + 1}`,
    emailAddress: `guest${n + 1}@example.com`,
    customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['Vegan'] }],
  }));
  return plainBooking('group', {
    startDateTime: { dateTime: '2026-01-06T13:00:00' },
    customers,
    ...overrides,
  });
}

/** Runs `action`, expects it to throw the EmulatorError `code` aimed at `target`; returns the error. */
function refusal(action: () => unknown, code: ErrorCode, target: string): EmulatorError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(EmulatorError);
  const error = caught as EmulatorError;
  expect({ code: error.code, target: error.target }).toStrictEqual({ code, target });
  return error;
}

describe('AppointmentService.create', () => {
  it('books a 1:1 appointment: seeded ids, UTC times, the service duration, stamps at the clock, stored and reported', () => {
    const { service, store, changes, lunchBusiness } = setup();
    const record = service.create(lunch, oneToOneAppointment());
    const { appointment } = record;

    expect(appointment.id).toMatch(uuidPattern);
    expect(record.selfServiceId).toMatch(uuidPattern);
    expect(appointment.customers?.[0]?.customerId).toMatch(uuidPattern);
    expect(new Set([appointment.id, record.selfServiceId, appointment.customers?.[0]?.customerId]).size).toBe(
      3,
    );
    expect(record.businessEmail).toBe(lunch);
    expect(record.bookedBy).toBe('staff');
    expect(record).not.toHaveProperty('trackingData');
    expect(appointment.selfServiceAppointmentId).toBe(zeroGuid);
    expect(appointment.startDateTime).toStrictEqual(utc('09:00:00'));
    expect(appointment.endDateTime).toStrictEqual(utc('09:30:00'));
    expect(appointment.duration).toBe('PT30M');
    expect(appointment.createdDateTime).toBe('2026-01-05T08:00:00.0000000Z');
    expect(appointment.lastUpdatedDateTime).toBe('2026-01-05T08:00:00.0000000Z');

    expect(store.get(lunch, appointment.id)).toBe(record);
    expect(service.get(lunch, appointment.id)).toBe(record);
    expect(changes).toStrictEqual([{ changeType: 'Created', business: lunchBusiness, record }]);
  });

  it('makes the same ids for the same id seed and others for another', () => {
    const idsOf = (idSeed: number) => {
      const record = setup({ idSeed }).service.create(lunch, oneToOneAppointment());
      return [record.appointment.id, record.selfServiceId, record.appointment.customers?.[0]?.customerId];
    };
    expect(idsOf(7)).toStrictEqual(idsOf(7));
    expect(idsOf(8)).not.toStrictEqual(idsOf(7));
  });

  it("fills a 1:1 appointment from its service and Graph's defaults", () => {
    const { appointment } = setup().service.create(lunch, oneToOneAppointment());
    expect(appointment).toMatchObject({
      serviceId: 'one',
      serviceName: 'Consultation',
      serviceNotes: 'Service notes for staff',
      staffMemberIds: ['s-admin'],
      maximumAttendeesCount: 1,
      filledAttendeesCount: 1,
      smsNotificationsEnabled: false,
      isLocationOnline: false,
      preBuffer: 'PT0S',
      postBuffer: 'PT0S',
      price: 0,
      priceType: 'notSet',
      optOutOfCustomerEmail: false,
      isCustomerAllowedToManageBooking: false,
      reminders: [],
      // The first customer's time zone, when the appointment names none.
      customerTimeZone: 'America/New_York',
      additionalInformation: 'Second floor',
    });
    expect(appointment).not.toHaveProperty('joinWebUrl');
  });

  it('fills a group appointment: capacity, one filled seat per customer, online with a Teams link, SMS', () => {
    const { appointment } = setup().service.create(lunch, groupBooking(3));
    expect(appointment).toMatchObject({
      serviceName: 'Workshop',
      staffMemberIds: ['s-admin', 's-member'],
      maximumAttendeesCount: 5,
      filledAttendeesCount: 3,
      smsNotificationsEnabled: true,
      isLocationOnline: true,
      duration: 'PT1H30M',
      endDateTime: utc('14:30:00'),
    });
    expect(appointment).not.toHaveProperty('serviceNotes');
    expect(appointment).not.toHaveProperty('customerTimeZone');
    const joinUrl = new URL(appointment.joinWebUrl ?? '');
    expect(joinUrl.host).toBe('teams.microsoft.com');
    expect(decodeURIComponent(joinUrl.pathname)).toContain(
      `19:meeting_${appointment.id.replaceAll('-', '')}@thread.v2`,
    );
    expect(JSON.parse(joinUrl.searchParams.get('context') ?? '')).toStrictEqual({
      Tid: zeroGuid,
      Oid: appointment.id,
    });
  });

  it("takes buffers and price from the service, and a host from the business's first staff member", () => {
    const { appointment } = setup().service.create(lunch, plainBooking('priced'));
    expect(appointment).toMatchObject({
      preBuffer: 'PT10M',
      postBuffer: 'PT5M',
      price: 80,
      priceType: 'fixedPrice',
      duration: 'PT45M',
      staffMemberIds: ['s-admin'],
    });
    const clinicCheckup = setup().service.create(clinic, plainBooking('checkup')).appointment;
    expect(clinicCheckup.staffMemberIds).toStrictEqual(['f-admin']);
    expect(clinicCheckup.duration).toBe('PT20M');
  });

  it('falls back to 30 minutes and one attendee for a service that sets neither', () => {
    const { appointment } = setup().service.create(lunch, plainBooking('bare'));
    expect(appointment).toMatchObject({
      duration: 'PT30M',
      endDateTime: utc('09:30:00'),
      maximumAttendeesCount: 1,
    });
    expect(appointment).not.toHaveProperty('serviceNotes');
  });

  it('keeps what the body sets over the service defaults', () => {
    const overrides: BookingAppointment = {
      serviceName: 'Custom name',
      serviceNotes: 'Own notes',
      preBuffer: 'PT15M',
      postBuffer: 'PT0S',
      price: 0,
      priceType: 'free',
      smsNotificationsEnabled: true,
      isLocationOnline: true,
      joinWebUrl: 'https://meet.example/room-1',
      customerTimeZone: 'Europe/Paris',
      maximumAttendeesCount: 3,
      staffMemberIds: ['s-sched', 's-member'],
    };
    const { appointment } = setup().service.create(lunch, plainBooking('priced', overrides));
    expect(appointment).toMatchObject({ ...overrides, filledAttendeesCount: 1 });
  });

  it('an online service switched off by the body gets no link', () => {
    const { appointment } = setup().service.create(lunch, groupBooking(1, { isLocationOnline: false }));
    expect(appointment.isLocationOnline).toBe(false);
    expect(appointment).not.toHaveProperty('joinWebUrl');
  });

  it('ignores an id the client sends, and keeps a customerId it sends', () => {
    const { appointment } = setup().service.create(
      lunch,
      plainBooking('bare', { id: 'client-id', customers: [{ ...jordan, customerId: 'c-1' }] }),
    );
    expect(appointment.id).not.toBe('client-id');
    expect(appointment.id).toMatch(uuidPattern);
    expect(appointment.customers?.[0]?.customerId).toBe('c-1');
  });

  it('reads times in their zone and stores UTC; an explicit end sets the duration', () => {
    const { appointment } = setup().service.create(
      lunch,
      plainBooking('one', {
        startDateTime: { dateTime: '2026-01-06T10:00:00', timeZone: 'Europe/Paris' },
        endDateTime: { dateTime: '2026-01-06T11:15:00', timeZone: 'Europe/Paris' },
        customers: oneToOneAppointment().customers,
      }),
    );
    expect(appointment.startDateTime).toStrictEqual(utc('09:00:00'));
    expect(appointment.endDateTime).toStrictEqual(utc('10:15:00'));
    expect(appointment.duration).toBe('PT1H15M');
  });

  it('finds the business whatever the case of its mailbox, and stores it lower-cased', () => {
    const record = setup().service.create('LUNCH@Contoso.Example', plainBooking('bare'));
    expect(record.businessEmail).toBe(lunch);
  });

  describe('refusals, which store and report nothing', () => {
    const bare = (overrides: BookingAppointment = {}) => plainBooking('bare', overrides);
    const staff = (...staffMemberIds: string[]) => bare({ staffMemberIds });
    const endingAt = (dateTime: string) => bare({ endDateTime: { dateTime } });
    const withCustomers = (...customers: BookingCustomerInformation[]) => bare({ customers });
    const groupOf = (...customers: BookingCustomerInformation[]) => groupBooking(0, { customers });
    const blankMail = { name: 'Blank Mail', emailAddress: ' ' };

    function expectRefused(mailbox: string, body: BookingAppointment, code: ErrorCode, target: string) {
      const { service, store, changes } = setup();
      refusal(() => service.create(mailbox, body), code, target);
      expect(store.listByBusiness(lunch)).toStrictEqual([]);
      expect(store.listByBusiness(clinic)).toStrictEqual([]);
      expect(changes).toStrictEqual([]);
    }

    it.each([
      ['an unknown mailbox', 'nobody@x.example', bare(), 'MailboxNotFound', 'path:SMTPAddress'],
      ['an unknown service', lunch, plainBooking('nope'), 'ServiceNotFound', '/serviceId'],
      ['no service', lunch, bare({ serviceId: undefined }), 'ServiceNotFound', '/serviceId'],
      ["another business's service", clinic, plainBooking('one'), 'ServiceNotFound', '/serviceId'],
      ['an unknown staff member', lunch, staff('s-admin', 'ghost'), 'StaffMemberNotFound', '/staffMemberIds'],
      ["another business's staff member", lunch, staff('f-admin'), 'StaffMemberNotFound', '/staffMemberIds'],
    ] as const)('%s', (_label, mailbox, body, code, target) => expectRefused(mailbox, body, code, target));

    it.each([
      ['an unreadable start', bare({ startDateTime: { dateTime: 'tomorrow' } }), '/startDateTime'],
      ['an unreadable end', endingAt('2026-02-30T10:00:00'), '/endDateTime'],
      ['an end at the start', endingAt('2026-01-06T09:00:00'), '/endDateTime'],
      ['an end part of a minute after the start', endingAt('2026-01-06T09:30:30'), '/endDateTime'],
      ['a customer without a name', withCustomers({ ...jordan, name: '  ' }), '/customers/0/name'],
      [
        'a customer without an e-mail address',
        withCustomers({ name: 'No Mail' }),
        '/customers/0/emailAddress',
      ],
      [
        'a second customer with a blank e-mail address',
        groupOf(jordan, blankMail),
        '/customers/1/emailAddress',
      ],
      ['a 1:1 appointment without a customer', withCustomers(), '/customers'],
      ['a 1:1 appointment with two customers', withCustomers(jordan, jordan), '/customers'],
      ['a group over its capacity', groupBooking(6), '/customers'],
      [
        'a group over the capacity the body sets',
        groupBooking(3, { maximumAttendeesCount: 2 }),
        '/customers',
      ],
    ] as const)('%s', (_label, body, target) => expectRefused(lunch, body, 'InvalidAppointment', target));

    it('say what to do next: the known services, staff and the rule broken', () => {
      const { service } = setup();
      expect(
        refusal(() => service.create(lunch, plainBooking('nope')), 'ServiceNotFound', '/serviceId').message,
      ).toBe(`Service "nope" does not exist in ${lunch}. Known services: one, group, priced, bare.`);
      const staff = refusal(
        () => service.create(lunch, plainBooking('bare', { staffMemberIds: ['ghost'] })),
        'StaffMemberNotFound',
        '/staffMemberIds',
      );
      expect(staff.message).toContain('Staff member "ghost" does not exist');
      expect(staff.message).toContain(
        's-admin, s-admin2, s-jwt, s-member, s-sched, s-viewer, s-guest, s-ext',
      );
      const tooMany = refusal(
        () => service.create(lunch, groupBooking(6)),
        'InvalidAppointment',
        '/customers',
      );
      expect(tooMany.message).toContain('has 6 customers but group takes at most 5');
      const none = refusal(
        () => service.create(lunch, plainBooking('one', { customers: [] })),
        'InvalidAppointment',
        '/customers',
      );
      expect(none.message).toContain('must hold exactly one customer for the 1:1 service one');
      const early = refusal(
        () =>
          service.create(lunch, plainBooking('bare', { endDateTime: { dateTime: '2026-01-06T08:00:00' } })),
        'InvalidAppointment',
        '/endDateTime',
      );
      expect(early.message).toContain('must be later than startDateTime');
    });

    it('a group may be booked with no customers yet', () => {
      const { appointment } = setup().service.create(lunch, groupBooking(0));
      expect(appointment.filledAttendeesCount).toBe(0);
      expect(appointment.maximumAttendeesCount).toBe(5);
    });
  });
});

describe('AppointmentService custom question answers', () => {
  const answered = (answers: BookingCustomerInformation['customQuestionAnswers'], serviceId = 'one') =>
    setup().service.create(
      lunch,
      plainBooking(serviceId, { customers: [{ ...jordan, customQuestionAnswers: answers }] }),
    ).appointment.customers?.[0]?.customQuestionAnswers;

  it("completes a choice and a text answer from the service's questions", () => {
    expect(
      answered([
        { questionId: 'topic', selectedOptions: ['Audit'] },
        { questionId: 'notes', answer: 'Bring coffee', answerInputType: 'radioButton' },
      ]),
    ).toStrictEqual([
      {
        questionId: 'topic',
        question: 'Topic?',
        answerInputType: 'radioButton',
        isRequired: true,
        answerOptions: ['Tax', 'Audit', 'Payroll'],
        selectedOptions: ['Audit'],
        answer: 'Audit',
      },
      {
        questionId: 'notes',
        question: 'Anything else?',
        answerInputType: 'text',
        isRequired: false,
        answer: 'Bring coffee',
      },
    ]);
  });

  it('takes a choice given only as answer text as that option, and joins several options', () => {
    expect(answered([{ questionId: 'topic', answer: 'Payroll' }])?.[0]).toMatchObject({
      selectedOptions: ['Payroll'],
      answer: 'Payroll',
    });
    expect(answered([{ questionId: 'topic', selectedOptions: ['Payroll', 'Tax'] }])?.[0]).toMatchObject({
      selectedOptions: ['Payroll', 'Tax'],
      answer: 'Payroll, Tax',
    });
  });

  it('copies the options, so changing an answer leaves the seed alone', () => {
    const [topic] = answered([{ questionId: 'topic', selectedOptions: ['Tax'] }]) ?? [];
    topic?.answerOptions?.push('Changed');
    expect(answered([{ questionId: 'topic', selectedOptions: ['Tax'] }])?.[0]?.answerOptions).toStrictEqual([
      'Tax',
      'Audit',
      'Payroll',
    ]);
  });

  it('refuses a question the service does not ask, naming the ones it does', () => {
    const { service } = setup();
    const book = (serviceId: string) =>
      service.create(
        serviceId === 'checkup' ? clinic : lunch,
        plainBooking(serviceId, {
          customers: [{ ...jordan, customQuestionAnswers: [{ questionId: 'colour', answer: 'blue' }] }],
        }),
      );
    const target = '/customers/0/customQuestionAnswers/0/questionId';
    expect(refusal(() => book('one'), 'InvalidAppointment', target).message).toContain(
      '"colour" is not a question of one; known: topic, notes',
    );
    expect(refusal(() => book('checkup'), 'InvalidAppointment', target).message).toContain('known: (none)');
  });

  it('refuses an option the question does not offer, pointing at it', () => {
    const { service, changes } = setup();
    const error = refusal(
      () =>
        service.create(
          lunch,
          plainBooking('one', {
            customers: [
              {
                ...jordan,
                customQuestionAnswers: [{ questionId: 'topic', selectedOptions: ['Tax', 'Gardening'] }],
              },
            ],
          }),
        ),
      'InvalidAppointment',
      '/customers/0/customQuestionAnswers/0/selectedOptions/1',
    );
    expect(error.message).toContain('"Gardening" is not one of the options ["Tax","Audit","Payroll"]');
    expect(changes).toStrictEqual([]);
  });
});

describe('AppointmentService.update', () => {
  it('merges the patch, keeps the id and creation stamp, stamps the update at the clock, and reports it', async () => {
    const { service, store, clock, changes, lunchBusiness } = setup();
    const created = service.create(lunch, oneToOneAppointment());
    await clock.advanceBy(60 * 60 * 1000);
    const updated = service.update(lunch, created.appointment.id, {
      additionalInformation: 'Room 2',
      id: 'client-id',
    });

    expect(updated.appointment.id).toBe(created.appointment.id);
    expect(updated.appointment.additionalInformation).toBe('Room 2');
    expect(updated.appointment.customers).toStrictEqual(created.appointment.customers);
    expect(updated.appointment.startDateTime).toStrictEqual(created.appointment.startDateTime);
    expect(updated.appointment.createdDateTime).toBe('2026-01-05T08:00:00.0000000Z');
    expect(updated.appointment.lastUpdatedDateTime).toBe('2026-01-05T09:00:00.0000000Z');
    expect(updated.selfServiceId).toBe(created.selfServiceId);
    expect(store.get(lunch, created.appointment.id)).toBe(updated);
    expect(store.listByBusiness(lunch)).toHaveLength(1);
    expect(changes.map((change) => change.changeType)).toStrictEqual(['Created', 'Updated']);
    expect(changes[1]).toStrictEqual({ changeType: 'Updated', business: lunchBusiness, record: updated });
    // The created record is not changed in place.
    expect(created.appointment.additionalInformation).toBe('Second floor');
  });

  it('moving the start keeps the length; a new end sets it', () => {
    const { service } = setup();
    const { id } = service.create(
      lunch,
      plainBooking('bare', { endDateTime: { dateTime: '2026-01-06T10:15:00' } }),
    ).appointment;
    const moved = service.update(lunch, id, {
      startDateTime: { dateTime: '2026-01-07T11:00:00', timeZone: 'UTC' },
    });
    expect(moved.appointment.startDateTime).toStrictEqual({
      dateTime: '2026-01-07T11:00:00.0000000Z',
      timeZone: 'UTC',
    });
    expect(moved.appointment.endDateTime).toStrictEqual({
      dateTime: '2026-01-07T12:15:00.0000000Z',
      timeZone: 'UTC',
    });
    expect(moved.appointment.duration).toBe('PT1H15M');
    const stretched = service.update(lunch, id, {
      startDateTime: { dateTime: '2026-01-07T09:00:00' },
      endDateTime: { dateTime: '2026-01-07T09:20:00' },
    });
    expect(stretched.appointment.duration).toBe('PT20M');
  });

  it('a new service brings its own name, notes, capacity, buffers, price, online setting and duration', () => {
    const { service } = setup();
    const { id } = service.create(lunch, plainBooking('priced')).appointment;
    const toOne = service.update(lunch, id, { serviceId: 'one' }).appointment;
    expect(toOne).toMatchObject({
      serviceName: 'Consultation',
      serviceNotes: 'Service notes for staff',
      preBuffer: 'PT0S',
      postBuffer: 'PT0S',
      price: 0,
      priceType: 'notSet',
      maximumAttendeesCount: 1,
      duration: 'PT30M',
      isLocationOnline: false,
    });
    const toGroup = service.update(lunch, id, { serviceId: 'group', serviceName: 'Kept name' }).appointment;
    expect(toGroup).toMatchObject({
      serviceName: 'Kept name',
      maximumAttendeesCount: 5,
      duration: 'PT1H30M',
      isLocationOnline: true,
    });
    expect(toGroup.joinWebUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    expect(toGroup).not.toHaveProperty('serviceNotes');
    const back = service.update(lunch, id, { serviceId: 'bare' }).appointment;
    expect(back.isLocationOnline).toBe(false);
    expect(back).not.toHaveProperty('joinWebUrl');
    expect(back.maximumAttendeesCount).toBe(1);
  });

  it('a refused patch leaves the stored appointment as it was and reports nothing', () => {
    const { service, store, changes } = setup();
    const created = service.create(lunch, oneToOneAppointment());
    refusal(
      () => service.update(lunch, created.appointment.id, { staffMemberIds: ['ghost'] }),
      'StaffMemberNotFound',
      '/staffMemberIds',
    );
    refusal(
      () => service.update(lunch, created.appointment.id, { serviceId: 'group' }),
      'InvalidAppointment',
      '/customers/0/customQuestionAnswers/0/questionId',
    );
    expect(store.get(lunch, created.appointment.id)).toBe(created);
    expect(changes).toHaveLength(1);
  });

  it('refuses an appointment that is not there, or is in another business', () => {
    const { service } = setup();
    const { id } = service.create(lunch, plainBooking('bare')).appointment;
    const error = refusal(
      () => service.update(lunch, 'missing', {}),
      'AppointmentNotFound',
      'path:appointmentId',
    );
    expect(error.message).toContain(`No appointment "missing" exists in ${lunch}`);
    refusal(() => service.update(clinic, id, {}), 'AppointmentNotFound', 'path:appointmentId');
  });

  describe('reschedule-new-id', () => {
    it('on: a move gives the appointment a new id and self-service id; the old id is gone', () => {
      const { service, store, changes } = setup({ rescheduleGivesNewId: true });
      const created = service.create(lunch, oneToOneAppointment());
      const moved = service.update(lunch, created.appointment.id, {
        startDateTime: { dateTime: '2026-01-07T11:00:00' },
      });
      expect(moved.appointment.id).toMatch(uuidPattern);
      expect(moved.appointment.id).not.toBe(created.appointment.id);
      expect(moved.selfServiceId).not.toBe(created.selfServiceId);
      // Graph shows the all-zero self-service id for staff bookings, moved or not.
      expect(moved.appointment.selfServiceAppointmentId).toBe(zeroGuid);
      expect(store.get(lunch, created.appointment.id)).toBeUndefined();
      expect(store.get(lunch, moved.appointment.id)).toBe(moved);
      expect(store.listByBusiness(lunch)).toHaveLength(1);
      expect(changes[1]?.record.appointment.id).toBe(moved.appointment.id);
    });

    it('on: an update that does not move the appointment keeps its id', () => {
      const { service } = setup({ rescheduleGivesNewId: true });
      const created = service.create(lunch, oneToOneAppointment());
      const updated = service.update(lunch, created.appointment.id, { additionalInformation: 'Room 2' });
      expect(updated.appointment.id).toBe(created.appointment.id);
      expect(updated.selfServiceId).toBe(created.selfServiceId);
    });

    it('off: a move keeps the id', () => {
      const { service } = setup();
      const created = service.create(lunch, oneToOneAppointment());
      const moved = service.update(lunch, created.appointment.id, {
        startDateTime: { dateTime: '2026-01-07T11:00:00' },
      });
      expect(moved.appointment.id).toBe(created.appointment.id);
      expect(moved.selfServiceId).toBe(created.selfServiceId);
    });

    it("on: a customer's booking shows its new self-service id", () => {
      const { service } = setup({ rescheduleGivesNewId: true });
      const booked = service.create(lunch, oneToOneAppointment(), { trackingData: 'utm_source=mail' });
      const moved = service.update(lunch, booked.appointment.id, {
        endDateTime: { dateTime: '2026-01-06T10:00:00' },
      });
      expect(moved.selfServiceId).not.toBe(booked.selfServiceId);
      expect(moved.appointment.selfServiceAppointmentId).toBe(moved.selfServiceId);
      expect(moved.bookedBy).toBe('customer');
      expect(moved.trackingData).toBe('utm_source=mail');
    });
  });
});

describe('AppointmentService self-service bookings', () => {
  it('a customer booking carries its own self-service id and the tracking data', () => {
    const { service, changes } = setup();
    const record = service.create(lunch, oneToOneAppointment(), { trackingData: 'utm_source=newsletter' });
    expect(record.bookedBy).toBe('customer');
    expect(record.trackingData).toBe('utm_source=newsletter');
    expect(record.appointment.selfServiceAppointmentId).toBe(record.selfServiceId);
    expect(record.selfServiceId).toMatch(uuidPattern);
    expect(record.selfServiceId).not.toBe(record.appointment.id);
    expect(changes[0]?.record).toBe(record);
  });

  it('without tracking data there is none', () => {
    const record = setup().service.create(lunch, oneToOneAppointment(), {});
    expect(record.bookedBy).toBe('customer');
    expect(record).not.toHaveProperty('trackingData');
    expect(record.appointment.selfServiceAppointmentId).not.toBe(zeroGuid);
  });
});

describe('AppointmentService.cancel and delete', () => {
  it('cancel removes the appointment and reports Deleted with the message and the record as it was', () => {
    const { service, store, changes, lunchBusiness } = setup();
    const created = service.create(lunch, oneToOneAppointment());
    service.cancel(lunch, created.appointment.id, 'The consultant is ill');
    expect(store.get(lunch, created.appointment.id)).toBeUndefined();
    expect(service.list(lunch)).toStrictEqual([]);
    expect(changes[1]).toStrictEqual({
      changeType: 'Deleted',
      business: lunchBusiness,
      record: created,
      cancellationMessage: 'The consultant is ill',
    });
  });

  it('delete removes it and reports Deleted with no message at all', () => {
    const { service, changes } = setup();
    const created = service.create(lunch, oneToOneAppointment());
    service.delete(lunch, created.appointment.id);
    expect(changes[1]?.changeType).toBe('Deleted');
    expect(changes[1]).not.toHaveProperty('cancellationMessage');
    refusal(() => service.get(lunch, created.appointment.id), 'AppointmentNotFound', 'path:appointmentId');
  });

  it('refuses an appointment that is not there, or is in another business, and reports nothing', () => {
    const { service, changes } = setup();
    const { id } = service.create(lunch, plainBooking('bare')).appointment;
    refusal(() => service.cancel(lunch, 'missing', 'x'), 'AppointmentNotFound', 'path:appointmentId');
    refusal(() => service.delete(clinic, id), 'AppointmentNotFound', 'path:appointmentId');
    refusal(() => service.delete('nobody@x.example', id), 'MailboxNotFound', 'path:SMTPAddress');
    expect(service.list(lunch).map((record) => record.appointment.id)).toStrictEqual([id]);
    expect(changes).toHaveLength(1);
  });
});

describe('AppointmentService.list', () => {
  it("lists one business's appointments only", () => {
    const { service } = setup();
    const first = service.create(lunch, plainBooking('bare'));
    const second = service.create(lunch, groupBooking(2));
    service.create(clinic, plainBooking('checkup'));
    expect(service.list(lunch)).toStrictEqual([first, second]);
    expect(service.list(clinic)).toHaveLength(1);
    refusal(() => service.list('nobody@x.example'), 'MailboxNotFound', 'path:SMTPAddress');
  });
});

describe("Graph's booking rules (policies graph-*)", () => {
  /** The test seed's Contoso Lunch keeps the default hours: weekdays 08:00-17:00 UTC. */
  const at = (time: string) => ({ startDateTime: { dateTime: `2026-01-06T${time}`, timeZone: 'UTC' } });

  it('without a rules dependency, refuses nothing the policies govern', () => {
    const { service, store } = setup();
    service.create(lunch, plainBooking('one', at('06:00:00')));
    service.create(lunch, plainBooking('one', at('06:00:00')));
    expect(store.listByBusiness(lunch)).toHaveLength(2);
  });

  describe('graph-required-answers', () => {
    it('enforce: refuses a customer who leaves a required question unanswered or blank', () => {
      const { service, changes } = setup({ rules: { requiredAnswers: 'enforce' } });
      const error = refusal(
        () => service.create(lunch, plainBooking('one')),
        'InvalidAppointment',
        '/customers/0/customQuestionAnswers',
      );
      expect(error.message).toContain('misses an answer to the required question topic (Topic?)');
      const blankSecond = groupBooking(2);
      const second = blankSecond.customers?.[1];
      if (second) second.customQuestionAnswers = [{ questionId: 'diet', selectedOptions: [] }];
      refusal(
        () => service.create(lunch, blankSecond),
        'InvalidAppointment',
        '/customers/1/customQuestionAnswers',
      );
      expect(changes).toStrictEqual([]);
      expect(service.create(lunch, oneToOneAppointment()).appointment.filledAttendeesCount).toBe(1);
    });

    it('enforce: does not apply to bookings made on the booking page, which asks on its own', () => {
      const { service } = setup({ rules: { requiredAnswers: 'enforce' } });
      expect(service.create(lunch, plainBooking('one'), {}).bookedBy).toBe('customer');
    });

    it('enforce: checks an update that changes the customers, not a reschedule', () => {
      const { service, rules } = setup({ rules: { requiredAnswers: 'ignore' } });
      const { id } = service.create(lunch, plainBooking('one')).appointment;
      if (rules) rules.requiredAnswers = 'enforce';
      expect(service.update(lunch, id, at('10:00:00')).appointment.startDateTime?.dateTime).toBe(
        '2026-01-06T10:00:00.0000000Z',
      );
      refusal(
        () => service.update(lunch, id, { customers: [{ ...jordan, name: 'Jordan M.' }] }),
        'InvalidAppointment',
        '/customers/0/customQuestionAnswers',
      );
    });

    it('ignore: takes the appointment with the question unanswered', () => {
      const { service } = setup({ rules: { requiredAnswers: 'ignore' } });
      expect(
        service.create(lunch, plainBooking('one')).appointment.customers?.[0]?.customQuestionAnswers,
      ).toStrictEqual([]);
    });
  });

  describe('graph-outside-business-hours', () => {
    it('refuse: refuses a time before, across the end of, or beyond the business hours', () => {
      const { service, changes } = setup({ rules: { outsideBusinessHours: 'refuse' } });
      for (const time of ['07:30:00', '16:45:00']) {
        refusal(
          () => service.create(lunch, plainBooking('bare', at(time))),
          'OutsideBusinessHours',
          '/startDateTime',
        );
      }
      expect(changes).toStrictEqual([]);
      const { id } = service.create(lunch, plainBooking('bare', at('16:30:00'))).appointment;
      refusal(() => service.update(lunch, id, at('17:00:00')), 'OutsideBusinessHours', '/startDateTime');
      expect(changes).toHaveLength(1);
    });

    it('accept: takes an appointment at any hour', () => {
      const { service } = setup({ rules: { outsideBusinessHours: 'accept' } });
      expect(service.create(lunch, plainBooking('bare', at('22:00:00'))).appointment.duration).toBe('PT30M');
    });
  });

  describe('graph-staff-busy', () => {
    // `priced` at 09:00 blocks s-admin from 08:50 to 09:50 (10-minute pre-, 5-minute post-buffer).
    const clash = () => plainBooking('bare', { ...at('09:45:00'), staffMemberIds: ['s-admin'] });

    it('refuse: throws StaffNotAvailable before storing anything, buffers included', () => {
      const { service, store, changes } = setup({ rules: { staffBusy: 'refuse' } });
      service.create(lunch, plainBooking('priced'));
      const error = refusal(() => service.create(lunch, clash()), 'StaffNotAvailable', '/staffMemberIds');
      expect(error.statusCode).toBe(500);
      expect(error.message).toContain('s-admin');
      expect(store.listByBusiness(lunch)).toHaveLength(1);
      expect(changes).toHaveLength(1);
      service.create(lunch, plainBooking('bare', { ...at('09:50:00'), staffMemberIds: ['s-admin'] }));
      service.create(lunch, plainBooking('bare', { ...at('09:45:00'), staffMemberIds: ['s-member'] }));
      expect(store.listByBusiness(lunch)).toHaveLength(3);
    });

    it('refuse: an update that moves onto a busy staff member is refused, a move within its own time is not', () => {
      const { service, store } = setup({ rules: { staffBusy: 'refuse' } });
      const first = service.create(lunch, plainBooking('priced'));
      const second = service.create(
        lunch,
        plainBooking('bare', { ...at('11:00:00'), staffMemberIds: ['s-member'] }),
      );
      refusal(
        () =>
          service.update(lunch, second.appointment.id, { staffMemberIds: ['s-admin'], ...at('09:30:00') }),
        'StaffNotAvailable',
        '/staffMemberIds',
      );
      expect(store.get(lunch, second.appointment.id)).toBe(second);
      expect(service.update(lunch, first.appointment.id, at('09:10:00')).appointment.duration).toBe('PT45M');
    });

    it('error-after-create: stores the appointment and reports it, then throws StaffNotAvailable', () => {
      const { service, store, changes } = setup({ rules: { staffBusy: 'error-after-create' } });
      service.create(lunch, plainBooking('priced'));
      refusal(() => service.create(lunch, clash()), 'StaffNotAvailable', '/staffMemberIds');
      expect(store.listByBusiness(lunch)).toHaveLength(2);
      expect(changes.map((change) => change.changeType)).toStrictEqual(['Created', 'Created']);
    });

    it('accept: double-books', () => {
      const { service, store } = setup({ rules: { staffBusy: 'accept' } });
      service.create(lunch, plainBooking('priced'));
      service.create(lunch, clash());
      expect(store.listByBusiness(lunch)).toHaveLength(2);
    });
  });

  describe('graph-time-zones', () => {
    const inZone = (timeZone: string) =>
      plainBooking('bare', { startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone } });

    it('windows-and-iana: takes Windows names in any case and every IANA name', () => {
      const { service } = setup({ rules: { timeZones: 'windows-and-iana' } });
      expect(service.create(lunch, inZone('eastern standard time')).appointment.startDateTime).toStrictEqual(
        utc('14:00:00'),
      );
      expect(service.create(lunch, inZone('America/Boise')).appointment.startDateTime).toStrictEqual(
        utc('16:00:00'),
      );
      refusal(
        () => service.create(lunch, inZone('Mars Standard Time')),
        'TimeZoneNotSupported',
        '/startDateTime/timeZone',
      );
    });

    it('documented: takes Windows names and the documented IANA names only, on create and update', () => {
      const { service } = setup({ rules: { timeZones: 'documented' } });
      const { id } = service.create(lunch, inZone('America/New_York')).appointment;
      refusal(
        () => service.create(lunch, inZone('America/Boise')),
        'TimeZoneNotSupported',
        '/startDateTime/timeZone',
      );
      refusal(
        () =>
          service.update(lunch, id, {
            endDateTime: { dateTime: '2026-01-06T10:00:00', timeZone: 'America/Boise' },
          }),
        'TimeZoneNotSupported',
        '/endDateTime/timeZone',
      );
    });
  });
});
