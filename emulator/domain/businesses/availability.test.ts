import { describe, expect, it } from 'vitest';
import type { BookingAppointment, SeedBusiness } from '../../generated/schema-types.js';
import type { AppointmentRecord } from '../store.js';
import {
  busyIntervals,
  busyStaff,
  isWithinBusinessHours,
  openIntervals,
  staffAvailability,
} from './availability.js';
import { businessFromSeed } from './from-seed.js';

const email = 'shop@contoso.example';
const weekday = (day: string, startTime: string, endTime: string) => ({
  day: day as 'monday',
  timeSlots: [{ startTime, endTime }],
});

/** A business in Pacific time, open Monday to Saturday 09:00-17:00; Tess works Tuesdays 12:00-14:00 in Paris. */
const seed: SeedBusiness = {
  email,
  displayName: 'Shop',
  timeZone: 'Pacific Standard Time',
  businessHours: [
    ...['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((day) =>
      weekday(day, '09:00:00.0000000', '17:00:00.0000000'),
    ),
    { day: 'sunday', timeSlots: [] },
  ],
  staff: [
    { id: 'ann', displayName: 'Ann', emailAddress: 'ann@contoso.example', role: 'administrator' },
    {
      id: 'tess',
      displayName: 'Tess',
      emailAddress: 'tess@contoso.example',
      role: 'teamMember',
      useBusinessHours: false,
      timeZone: 'Europe/Paris',
      workingHours: [weekday('tuesday', '12:00:00', '14:00:00')],
    },
  ],
  services: [{ id: 'cut', displayName: 'Cut', durationMinutes: 30 }],
};
const document = businessFromSeed(seed, '2026-01-01T00:00:00.0000000Z');

const at = (iso: string) => Date.parse(iso);
const utc = (iso: string) => ({ dateTime: iso.replace('Z', '.0000000Z'), timeZone: 'UTC' });

function booking(
  id: string,
  start: string,
  end: string,
  staff: string[],
  extra: Partial<BookingAppointment> = {},
): AppointmentRecord {
  return {
    businessEmail: email,
    appointment: {
      id,
      serviceId: 'cut',
      startDateTime: utc(start),
      endDateTime: utc(end),
      staffMemberIds: staff,
      preBuffer: 'PT0S',
      postBuffer: 'PT0S',
      ...extra,
    },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const spans = (intervals: { startMs: number; endMs: number }[]) =>
  intervals.map(({ startMs, endMs }) => [iso(startMs), iso(endMs)]);

describe('openIntervals', () => {
  it('reads the hours in the business zone, keeping local hours across a DST change', () => {
    // Friday's hours end at 01:00 UTC on Saturday 2026-03-07, which is PST (UTC-8); Monday
    // 2026-03-09 is PDT (UTC-7); Sunday is closed.
    const open = openIntervals(document.business.businessHours ?? [], document.business.timeZone, {
      startMs: at('2026-03-07T00:00:00Z'),
      endMs: at('2026-03-10T12:00:00Z'),
    });
    expect(spans(open)).toStrictEqual([
      ['2026-03-07T00:00:00.000Z', '2026-03-07T01:00:00.000Z'],
      ['2026-03-07T17:00:00.000Z', '2026-03-08T01:00:00.000Z'],
      ['2026-03-09T16:00:00.000Z', '2026-03-10T00:00:00.000Z'],
    ]);
  });

  it('clips to the window and runs a slot ending at midnight to the next day', () => {
    const open = openIntervals([weekday('monday', '22:00:00', '00:00:00')], 'UTC', {
      startMs: at('2026-01-05T23:00:00Z'),
      endMs: at('2026-01-07T00:00:00Z'),
    });
    expect(spans(open)).toStrictEqual([['2026-01-05T23:00:00.000Z', '2026-01-06T00:00:00.000Z']]);
  });
});

describe('busyIntervals', () => {
  it("widens the staff member's appointments by their buffers and clips them to the window", () => {
    const appointments = [
      booking('a', '2026-01-06T17:00:00Z', '2026-01-06T17:30:00Z', ['ann'], {
        preBuffer: 'PT10M',
        postBuffer: 'PT15M',
      }),
      booking('b', '2026-01-06T20:00:00Z', '2026-01-06T21:00:00Z', ['ann']),
      booking('c', '2026-01-06T17:00:00Z', '2026-01-06T18:00:00Z', ['tess']),
    ];
    const busy = busyIntervals(appointments, 'ann', {
      startMs: at('2026-01-06T16:00:00Z'),
      endMs: at('2026-01-06T20:30:00Z'),
    });
    expect(busy.map((span) => [span.appointmentId, iso(span.startMs), iso(span.endMs)])).toStrictEqual([
      ['a', '2026-01-06T16:50:00.000Z', '2026-01-06T17:45:00.000Z'],
      ['b', '2026-01-06T20:00:00.000Z', '2026-01-06T20:30:00.000Z'],
    ]);
  });
});

describe('staffAvailability', () => {
  it('covers the window with outOfOffice, available and busy spans, in order and without gaps', () => {
    // Tuesday 2026-01-06: open 09:00-17:00 Pacific = 17:00-01:00 UTC.
    const appointments = [
      booking('a', '2026-01-06T18:00:00Z', '2026-01-06T18:30:00Z', ['ann'], { postBuffer: 'PT15M' }),
    ];
    const items = staffAvailability(document, appointments, 'ann', {
      startMs: at('2026-01-06T16:00:00Z'),
      endMs: at('2026-01-07T02:00:00Z'),
    });
    expect(
      items.map((item) => [item.status, iso(item.startMs), iso(item.endMs), item.serviceId]),
    ).toStrictEqual([
      ['outOfOffice', '2026-01-06T16:00:00.000Z', '2026-01-06T17:00:00.000Z', null],
      ['available', '2026-01-06T17:00:00.000Z', '2026-01-06T18:00:00.000Z', null],
      ['busy', '2026-01-06T18:00:00.000Z', '2026-01-06T18:45:00.000Z', 'cut'],
      ['available', '2026-01-06T18:45:00.000Z', '2026-01-07T01:00:00.000Z', null],
      ['outOfOffice', '2026-01-07T01:00:00.000Z', '2026-01-07T02:00:00.000Z', null],
    ]);
  });

  it("uses a staff member's own working hours in their own zone when they do not use the business's", () => {
    // Tess: Tuesday 12:00-14:00 Paris (UTC+1) = 11:00-13:00 UTC; a booking outside them is still busy.
    const appointments = [booking('late', '2026-01-06T15:00:00Z', '2026-01-06T16:00:00Z', ['tess'])];
    const items = staffAvailability(document, appointments, 'tess', {
      startMs: at('2026-01-06T10:00:00Z'),
      endMs: at('2026-01-06T16:00:00Z'),
    });
    expect(items.map((item) => [item.status, iso(item.startMs), iso(item.endMs)])).toStrictEqual([
      ['outOfOffice', '2026-01-06T10:00:00.000Z', '2026-01-06T11:00:00.000Z'],
      ['available', '2026-01-06T11:00:00.000Z', '2026-01-06T13:00:00.000Z'],
      ['outOfOffice', '2026-01-06T13:00:00.000Z', '2026-01-06T15:00:00.000Z'],
      ['busy', '2026-01-06T15:00:00.000Z', '2026-01-06T16:00:00.000Z'],
    ]);
  });
});

describe('isWithinBusinessHours', () => {
  it('takes a time inside the hours in the business zone, and refuses one that crosses their edge', () => {
    expect(isWithinBusinessHours(document, at('2026-01-06T17:00:00Z'), at('2026-01-06T17:30:00Z'))).toBe(
      true,
    );
    expect(isWithinBusinessHours(document, at('2026-01-07T00:30:00Z'), at('2026-01-07T01:00:00Z'))).toBe(
      true,
    );
    expect(isWithinBusinessHours(document, at('2026-01-07T00:45:00Z'), at('2026-01-07T01:15:00Z'))).toBe(
      false,
    );
    expect(isWithinBusinessHours(document, at('2026-01-06T09:00:00Z'), at('2026-01-06T09:30:00Z'))).toBe(
      false,
    );
    // Sunday 2026-01-11 is closed.
    expect(isWithinBusinessHours(document, at('2026-01-11T18:00:00Z'), at('2026-01-11T18:30:00Z'))).toBe(
      false,
    );
  });

  it('moves with daylight saving time: 09:00 Pacific is 17:00 UTC in winter, 16:00 UTC in summer', () => {
    expect(isWithinBusinessHours(document, at('2026-03-09T16:00:00Z'), at('2026-03-09T16:30:00Z'))).toBe(
      true,
    );
    expect(isWithinBusinessHours(document, at('2026-03-06T16:00:00Z'), at('2026-03-06T16:30:00Z'))).toBe(
      false,
    );
  });
});

describe('busyStaff', () => {
  const appointments = [
    booking('a', '2026-01-06T18:00:00Z', '2026-01-06T18:30:00Z', ['ann'], { postBuffer: 'PT10M' }),
  ];

  it('names the staff another appointment blocks, buffers included', () => {
    expect(
      busyStaff(
        document,
        appointments,
        ['ann', 'tess'],
        at('2026-01-06T18:35:00Z'),
        at('2026-01-06T19:00:00Z'),
      ),
    ).toStrictEqual(['ann']);
    expect(
      busyStaff(document, appointments, ['ann'], at('2026-01-06T18:40:00Z'), at('2026-01-06T19:00:00Z')),
    ).toStrictEqual([]);
    expect(
      busyStaff(document, appointments, ['ann'], at('2026-01-06T17:30:00Z'), at('2026-01-06T18:00:00Z')),
    ).toStrictEqual([]);
  });

  it('ignores the appointment being moved, and appointments of other businesses', () => {
    expect(
      busyStaff(document, appointments, ['ann'], at('2026-01-06T18:00:00Z'), at('2026-01-06T18:30:00Z'), 'a'),
    ).toStrictEqual([]);
    const elsewhere = appointments.map((record) => ({ ...record, businessEmail: 'other@contoso.example' }));
    expect(
      busyStaff(document, elsewhere, ['ann'], at('2026-01-06T18:00:00Z'), at('2026-01-06T18:30:00Z')),
    ).toStrictEqual([]);
  });
});
