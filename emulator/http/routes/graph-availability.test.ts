import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Policies, Seed } from '../../generated/schema-types.js';
import { buildTestApp, expectError, oneToOneAppointment } from '../../testing/http.js';
import { lunch, testSeed } from '../../testing/seed.js';

/**
 * The test seed, with Contoso Lunch in Pacific time and open weekdays 09:00-17:00 there, and the
 * 1:1 service `one` given a 10-minute pre-buffer and a 15-minute post-buffer.
 */
const seed: Seed = {
  ...testSeed,
  businesses: testSeed.businesses.map((business) =>
    business.email === lunch
      ? {
          ...business,
          timeZone: 'Pacific Standard Time',
          businessHours: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({
            day: day as 'monday',
            timeSlots: [{ startTime: '09:00:00.0000000', endTime: '17:00:00.0000000' }],
          })),
          services: (business.services ?? []).map((service) =>
            service.id === 'one' ? { ...service, preBufferMinutes: 10, postBufferMinutes: 15 } : service,
          ),
        }
      : business,
  ),
};

const base = `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(lunch)}`;
const pacific = (dateTime: string) => ({ dateTime, timeZone: 'Pacific Standard Time' });

let app: FastifyInstance;

beforeEach(async () => {
  app = await buildTestApp({ seed });
});

afterEach(async () => {
  await app.close();
});

const book = (overrides: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: `${base}/appointments`, payload: oneToOneAppointment(overrides) });

const setPolicies = async (policies: Policies) => {
  const response = await app.inject({ method: 'PUT', url: '/_emulator/policies', payload: policies });
  expect(response.statusCode, response.body).toBe(200);
};

const listed = async () =>
  (await app.inject({ method: 'GET', url: `${base}/appointments` })).json().value as { id: string }[];

describe('time zones on Graph appointments', () => {
  it('takes a Windows time zone and stores the time in UTC, daylight saving included', async () => {
    const winter = await book({ startDateTime: pacific('2026-03-06T10:00:00') });
    expect(winter.statusCode, winter.body).toBe(201);
    expect(winter.json().startDateTime).toStrictEqual({
      dateTime: '2026-03-06T18:00:00.0000000Z',
      timeZone: 'UTC',
    });
    const summer = await book({
      startDateTime: { dateTime: '2026-03-09T10:00:00', timeZone: 'pacific standard time' },
    });
    expect(summer.statusCode, summer.body).toBe(201);
    expect(summer.json().startDateTime.dateTime).toBe('2026-03-09T17:00:00.0000000Z');
    expect(summer.json().endDateTime.dateTime).toBe('2026-03-09T17:30:00.0000000Z');
  });

  it('answers 400 TimeZoneNotSupported for a zone Graph does not know, and stores nothing', async () => {
    const response = await book({
      startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'Mars Standard Time' },
    });
    expectError(response, 400, 'TimeZoneNotSupported');
    expect(response.json().error.message).toContain(
      "A valid TimeZone value must be specified. The following TimeZone value is not supported: 'Mars Standard Time'.",
    );
    expect(response.json().error.target).toBe('/startDateTime/timeZone');
    expect(await listed()).toStrictEqual([]);
  });

  it('takes any IANA name under windows-and-iana, only the documented ones under documented', async () => {
    const boise = { startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'America/Boise' } };
    expect((await book(boise)).statusCode).toBe(201);
    app.emulator.state.policies['graph-time-zones'] = 'documented';
    expectError(await book(boise), 400, 'TimeZoneNotSupported');
    const documented = await book({
      startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'America/Denver' },
    });
    expect(documented.statusCode, documented.body).toBe(201);
    expect(documented.json().startDateTime.dateTime).toBe('2026-01-06T16:00:00.0000000Z');
    expect((await book({ startDateTime: pacific('2026-01-07T09:00:00') })).statusCode).toBe(201);
  });
});

describe('GET calendarView', () => {
  it('lists the appointments that overlap [start, end), by start, with the calendarView context', async () => {
    for (const start of ['2026-01-06T11:00:00', '2026-01-06T09:00:00', '2026-01-07T09:00:00']) {
      expect((await book({ startDateTime: { dateTime: start, timeZone: 'UTC' } })).statusCode).toBe(201);
    }
    const response = await app.inject({
      method: 'GET',
      url: `${base}/calendarView?start=2026-01-06T09:15:00Z&end=2026-01-06T23:00:00Z`,
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body['@odata.context']).toMatch(
      /\/v1\.0\/\$metadata#solutions\/bookingBusinesses\('lunch%40contoso\.example'\)\/calendarView$/,
    );
    expect(
      body.value.map(
        (appointment: { startDateTime: { dateTime: string } }) => appointment.startDateTime.dateTime,
      ),
    ).toStrictEqual(['2026-01-06T09:00:00.0000000Z', '2026-01-06T11:00:00.0000000Z']);
    // An offset reads the same instant; an end at an appointment's start leaves it out.
    const offset = await app.inject({
      method: 'GET',
      url: `${base}/calendarView?start=${encodeURIComponent('2026-01-06T01:30:00-08:00')}&end=2026-01-06T11:00:00Z`,
    });
    expect(offset.json().value).toHaveLength(0);
  });

  it('answers 400 InvalidGraphRequest for a missing, unreadable or empty window', async () => {
    for (const query of [
      '',
      '?start=2026-01-06T00:00:00Z',
      '?start=tomorrow&end=2026-01-07T00:00:00Z',
      '?start=2026-01-06T00:00:00&end=2026-01-07T00:00:00Z',
      '?start=2026-01-07T00:00:00Z&end=2026-01-06T00:00:00Z',
      '?start=2026-01-06T00:00:00Z&end=2026-01-06T00:00:00Z',
    ]) {
      const response = await app.inject({ method: 'GET', url: `${base}/calendarView${query}` });
      expectError(response, 400, 'InvalidGraphRequest');
      expect(response.json().error.message, query).toMatch(/start.*end|end.*start/);
    }
  });
});

describe('POST getStaffAvailability', () => {
  const ask = (body: object, action = 'getStaffAvailability') =>
    app.inject({ method: 'POST', url: `${base}/${action}`, payload: body });

  it('answers the staff availability in the request zone, busy with buffers and the service id', async () => {
    // Tuesday 2026-01-06, 10:00-10:30 Pacific, staffed by s-admin (the service's staff).
    expect((await book({ startDateTime: pacific('2026-01-06T10:00:00') })).statusCode).toBe(201);
    const response = await ask(
      {
        staffIds: ['s-admin', 's-member'],
        startDateTime: pacific('2026-01-06T08:00:00'),
        endDateTime: pacific('2026-01-06T18:00:00'),
      },
      'microsoft.graph.getStaffAvailability',
    );
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body['@odata.context']).toMatch(
      /\/v1\.0\/\$metadata#Collection\(microsoft\.graph\.staffAvailabilityItem\)$/,
    );
    const item = (status: string, start: string, end: string, serviceId: string | null = null) => ({
      status,
      startDateTime: pacific(`2026-01-06T${start}:00`),
      endDateTime: pacific(`2026-01-06T${end}:00`),
      serviceId,
    });
    expect(body.value).toStrictEqual([
      {
        staffId: 's-admin',
        availabilityItems: [
          item('outOfOffice', '08:00', '09:00'),
          item('available', '09:00', '09:50'),
          item('busy', '09:50', '10:45', 'one'),
          item('available', '10:45', '17:00'),
          item('outOfOffice', '17:00', '18:00'),
        ],
      },
      {
        staffId: 's-member',
        availabilityItems: [
          item('outOfOffice', '08:00', '09:00'),
          item('available', '09:00', '17:00'),
          item('outOfOffice', '17:00', '18:00'),
        ],
      },
    ]);
  });

  it('answers in UTC when the request names no zone', async () => {
    const response = await ask({
      staffIds: ['s-member'],
      startDateTime: { dateTime: '2026-01-06T16:00:00' },
      endDateTime: { dateTime: '2026-01-06T18:00:00' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().value[0].availabilityItems).toStrictEqual([
      {
        status: 'outOfOffice',
        startDateTime: { dateTime: '2026-01-06T16:00:00', timeZone: 'UTC' },
        endDateTime: { dateTime: '2026-01-06T17:00:00', timeZone: 'UTC' },
        serviceId: null,
      },
      {
        status: 'available',
        startDateTime: { dateTime: '2026-01-06T17:00:00', timeZone: 'UTC' },
        endDateTime: { dateTime: '2026-01-06T18:00:00', timeZone: 'UTC' },
        serviceId: null,
      },
    ]);
  });

  it('refuses unknown staff, unknown zones, an empty window and one longer than 31 days', async () => {
    const window = {
      startDateTime: pacific('2026-01-06T08:00:00'),
      endDateTime: pacific('2026-01-06T18:00:00'),
    };
    expectError(await ask({ staffIds: ['ghost'], ...window }), 400, 'StaffMemberNotFound');
    expectError(
      await ask({
        staffIds: ['s-admin'],
        ...window,
        endDateTime: { dateTime: '2026-01-06T18:00:00', timeZone: 'Mars Standard Time' },
      }),
      400,
      'TimeZoneNotSupported',
    );
    expectError(
      await ask({ staffIds: ['s-admin'], ...window, endDateTime: window.startDateTime }),
      400,
      'InvalidGraphRequest',
    );
    expectError(
      await ask({ staffIds: ['s-admin'], ...window, endDateTime: pacific('2026-02-07T08:00:00') }),
      400,
      'InvalidGraphRequest',
    );
    expect(
      (await ask({ staffIds: ['s-admin'], ...window, endDateTime: pacific('2026-02-06T08:00:00') }))
        .statusCode,
    ).toBe(200);
    expectError(await ask({ staffIds: ['s-admin'] }), 400, 'InvalidRequestBody');
  });
});

describe("Graph's booking rules under their policies", () => {
  const unanswered = { customers: [{ name: 'Kim Lee', emailAddress: 'kim@example.com' }] };

  it('graph-required-answers: enforce refuses a missing required answer, ignore takes it', async () => {
    const refused = await book(unanswered);
    expectError(refused, 400, 'InvalidAppointment');
    expect(refused.json().error.target).toBe('/customers/0/customQuestionAnswers');
    expect(refused.json().error.message).toContain('required question topic (Topic?)');
    await setPolicies({ 'graph-required-answers': 'ignore' });
    expect((await book(unanswered)).statusCode).toBe(201);
  });

  it('graph-outside-business-hours: accept takes an appointment at 07:00 Pacific, refuse answers 400', async () => {
    const early = { startDateTime: pacific('2026-01-06T07:00:00') };
    expect((await book(early)).statusCode).toBe(201);
    await setPolicies({ 'graph-outside-business-hours': 'refuse' });
    expectError(await book({ startDateTime: pacific('2026-01-07T07:00:00') }), 400, 'OutsideBusinessHours');
    expect((await book({ startDateTime: pacific('2026-01-07T09:00:00') })).statusCode).toBe(201);
    expect(await listed()).toHaveLength(2);
  });

  it('graph-staff-busy: accept double-books, refuse answers 500 and stores nothing', async () => {
    expect((await book({ startDateTime: pacific('2026-01-06T10:00:00') })).statusCode).toBe(201);
    // 10:40 falls in the first booking's 15-minute post-buffer.
    expect((await book({ startDateTime: pacific('2026-01-06T10:40:00') })).statusCode).toBe(201);
    await setPolicies({ 'graph-staff-busy': 'refuse' });
    expectError(await book({ startDateTime: pacific('2026-01-06T10:15:00') }), 500, 'StaffNotAvailable');
    expect(await listed()).toHaveLength(2);
    // Another staff member is free then.
    expect(
      (await book({ startDateTime: pacific('2026-01-06T10:15:00'), staffMemberIds: ['s-member'] }))
        .statusCode,
    ).toBe(201);
  });

  it('graph-staff-busy: error-after-create answers 500 yet stores the appointment and fires Created', async () => {
    const changes: string[] = [];
    app.emulator.runtime.events.on('appointment:changed', (change) => changes.push(change.changeType));
    expect((await book({ startDateTime: pacific('2026-01-06T10:00:00') })).statusCode).toBe(201);
    app.emulator.state.policies['graph-staff-busy'] = 'error-after-create';
    expectError(await book({ startDateTime: pacific('2026-01-06T10:15:00') }), 500, 'StaffNotAvailable');
    expect(await listed()).toHaveLength(2);
    expect(changes).toStrictEqual(['Created', 'Created']);
  });

  it('checks a PATCH that moves the appointment, not one that leaves it where it is', async () => {
    const first = (await book({ startDateTime: pacific('2026-01-06T10:00:00') })).json();
    const second = (await book({ startDateTime: pacific('2026-01-06T12:00:00') })).json();
    await setPolicies({ 'graph-staff-busy': 'refuse', 'graph-outside-business-hours': 'refuse' });
    const patch = (id: string, payload: object) =>
      app.inject({ method: 'PATCH', url: `${base}/appointments/${id}`, payload });
    expectError(
      await patch(second.id, { startDateTime: pacific('2026-01-06T10:20:00') }),
      500,
      'StaffNotAvailable',
    );
    expectError(
      await patch(second.id, { startDateTime: pacific('2026-01-06T18:00:00') }),
      400,
      'OutsideBusinessHours',
    );
    // Moving an appointment within its own time does not make it clash with itself.
    expect((await patch(first.id, { startDateTime: pacific('2026-01-06T10:05:00') })).statusCode).toBe(200);
    expect((await patch(second.id, { serviceNotes: 'Window seat' })).statusCode).toBe(200);
  });
});
