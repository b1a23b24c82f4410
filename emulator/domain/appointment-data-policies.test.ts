import { describe, expect, it } from 'vitest';
import type { BookingAppointment, SeedBusiness } from '../generated/schema-types.js';
import { formatTriggerTime, toAppointmentData } from './appointment-data.js';
import { type PolicySettings, policyDefaults } from './policies.js';
import type { AppointmentRecord } from './store.js';

/**
 * The formatter alone, without a server: each policy that shapes a payload, on a record like the
 * one real run (a 30-minute call with a 10-minute post-buffer, 16:30 to 17:00 UTC).
 */

const business: SeedBusiness = {
  email: 'lunch@contoso.example',
  displayName: 'Contoso Lunch',
  staff: [
    { id: 's1', displayName: 'Adele Vance', emailAddress: 'adele@contoso.example', role: 'administrator' },
  ],
};

const graphJoinUrl = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting%40thread.v2/0?context=%7b%7d';

function record(
  overrides: Partial<BookingAppointment> = {},
  extra: Partial<AppointmentRecord> = {},
): AppointmentRecord {
  return {
    businessEmail: business.email,
    bookedBy: 'staff',
    selfServiceId: '5f0c1a52-7d1e-4c4a-9a11-0b8f0f5f7e21',
    ...extra,
    appointment: {
      id: 'AAMkAGI1-appointment',
      selfServiceAppointmentId: '00000000-0000-0000-0000-000000000000',
      serviceId: 'intro',
      serviceName: 'Intro call (30 min)',
      startDateTime: { dateTime: '2026-06-24T16:30:00.0000000Z', timeZone: 'UTC' },
      endDateTime: { dateTime: '2026-06-24T17:00:00.0000000Z', timeZone: 'UTC' },
      preBuffer: 'PT0S',
      postBuffer: 'PT10M',
      maximumAttendeesCount: 1,
      staffMemberIds: ['s1'],
      joinWebUrl: graphJoinUrl,
      customers: [
        { customerId: 'c1', name: 'Gail', emailAddress: 'gail@example.com', notes: 'Call me on Teams' },
      ],
      ...overrides,
    },
  };
}

const created = { changeType: 'Created' as const };
const cancelled = { changeType: 'Deleted' as const, cancellationMessage: 'Customer ill' };
const format = (
  changes: Partial<PolicySettings> = {},
  input = record(),
  change: Parameters<typeof toAppointmentData>[2] = created,
) => toAppointmentData(input, business, change, { ...policyDefaults, ...changes });

describe('the evidence defaults', () => {
  it('deliver Duration 2400, StartTime 16:30 and EndTime 17:10 in the invariant form for the real run', () => {
    const payload = format();
    expect(payload.Duration).toBe(2400);
    expect(payload.StartTime).toBe('06/24/2026 16:30:00');
    expect(payload.EndTime).toBe('06/24/2026 17:10:00');
  });

  it('move StartTime back by a pre-buffer, and count it in Duration', () => {
    const payload = format({}, record({ preBuffer: 'PT15M' }));
    expect(payload.StartTime).toBe('06/24/2026 16:15:00');
    expect(payload.EndTime).toBe('06/24/2026 17:10:00');
    expect(payload.Duration).toBe(55 * 60);
  });
});

describe('duration-unit and buffers-in-times', () => {
  it.each([
    [{ 'duration-unit': 'minutes' } as const, 40, '06/24/2026 17:10:00'],
    [{ 'buffers-in-times': 'off' } as const, 1800, '06/24/2026 17:00:00'],
    [{ 'buffers-in-times': 'off', 'duration-unit': 'minutes' } as const, 30, '06/24/2026 17:00:00'],
  ])('%j gives Duration %d and EndTime %s', (changes, duration, end) => {
    const payload = format(changes);
    expect(payload.Duration).toBe(duration);
    expect(payload.EndTime).toBe(end);
    expect(payload.StartTime).toBe('06/24/2026 16:30:00');
  });

  it('read buffers of days, hours and seconds', () => {
    expect(format({}, record({ postBuffer: 'PT1H30S' })).Duration).toBe(1800 + 3600 + 30);
    expect(format({}, record({ postBuffer: 'P1D' })).EndTime).toBe('06/25/2026 17:00:00');
  });
});

describe('time-format', () => {
  it.each([
    ['invariant', '06/24/2026 16:30:00'],
    ['exchange', '2026-06-24T16:30:00.0000000Z'],
    ['iso', '2026-06-24T16:30:00.000Z'],
  ] as const)('%s writes %s', (timeFormat, text) => {
    expect(format({ 'time-format': timeFormat }).StartTime).toBe(text);
  });

  it('pads single-digit months, days and hours, and is always UTC', () => {
    expect(formatTriggerTime(Date.UTC(2026, 0, 5, 7, 4, 9), 'invariant')).toBe('01/05/2026 07:04:09');
    expect(formatTriggerTime(Date.UTC(2026, 11, 31, 23, 59, 59), 'invariant')).toBe('12/31/2026 23:59:59');
  });
});

describe('join-url-suffix', () => {
  it("appends &webjoin=true&unified=true to Graph's join URL by default, and not when off", () => {
    expect(format().JoinWebURL).toBe(`${graphJoinUrl}&webjoin=true&unified=true`);
    expect(format({ 'join-url-suffix': 'off' }).JoinWebURL).toBe(graphJoinUrl);
  });

  it('starts the query with ? when the join URL has none, and leaves an appointment without one alone', () => {
    expect(format({}, record({ joinWebUrl: 'https://meet.example/room' })).JoinWebURL).toBe(
      'https://meet.example/room?webjoin=true&unified=true',
    );
    const offline = record();
    delete offline.appointment.joinWebUrl;
    expect(format({}, offline)).not.toHaveProperty('JoinWebURL');
  });
});

describe('self-service-id', () => {
  it.each([
    ['fresh', '5f0c1a52-7d1e-4c4a-9a11-0b8f0f5f7e21'],
    ['zero', '00000000-0000-0000-0000-000000000000'],
    ['id', 'AAMkAGI1-appointment'],
  ] as const)('%s gives a staff-made booking %s', (choice, expected) => {
    const payload = format({ 'self-service-id': choice });
    expect(payload.SelfServiceAppointmentId).toBe(expected);
    expect(payload.Id).toBe('AAMkAGI1-appointment');
  });

  it('never changes what a customer booking carries: its own id, and its TrackingData', () => {
    const booked = record({}, { bookedBy: 'customer', trackingData: 'utm_source=newsletter' });
    for (const choice of ['fresh', 'zero', 'id'] as const) {
      const payload = format({ 'self-service-id': choice }, booked);
      expect(payload.SelfServiceAppointmentId).toBe('5f0c1a52-7d1e-4c4a-9a11-0b8f0f5f7e21');
      expect(payload.TrackingData).toBe('utm_source=newsletter');
    }
    expect(format()).not.toHaveProperty('TrackingData');
  });
});

describe('the 1:1 quirks, split', () => {
  it('cancel-reason-missing-1on1 drops only CancelReason', () => {
    const on = format({}, record(), cancelled);
    expect(on).not.toHaveProperty('CancelReason');
    expect(on.CustomerNotes).toBe('Call me on Teams');
    const off = format({ 'cancel-reason-missing-1on1': 'off' }, record(), cancelled);
    expect(off.CancelReason).toBe('Customer ill');
  });

  it('customer-notes-missing-1on1 drops only the notes', () => {
    const payload = format(
      { 'customer-notes-missing-1on1': 'on', 'cancel-reason-missing-1on1': 'off' },
      record(),
      cancelled,
    );
    expect(payload).not.toHaveProperty('CustomerNotes');
    expect(payload.Customers?.[0]).not.toHaveProperty('Notes');
    expect(payload.CancelReason).toBe('Customer ill');
  });

  it('leave group bookings alone', () => {
    const group = record({
      maximumAttendeesCount: 5,
      customers: [{ customerId: 'c1', name: 'Ana', emailAddress: 'ana@example.com', notes: 'Ramp' }],
    });
    const payload = format({ 'customer-notes-missing-1on1': 'on' }, group, cancelled);
    expect(payload.CancelReason).toBe('Customer ill');
    expect(payload.Customers?.[0]?.Notes).toBe('Ramp');
  });
});
