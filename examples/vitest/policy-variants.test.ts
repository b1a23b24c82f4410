// Where the real service's behaviour is uncertain, test your flow under every variant: one
// describe block per policy variant (the runs `bookings-emulator run --matrix` makes), each with an
// emulator of its own. Here the flow reads the booking's times and Duration from the payload.
import {
  type AppointmentData,
  policyDefaults,
  policyVariants,
  type RunningEmulator,
  type Seed,
  startEmulator,
} from 'bookings-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A 30-minute consultation that blocks the calendar 10 more minutes after it. */
const seed: Seed = {
  users: [{ upn: 'adele@contoso.example' }],
  businesses: [
    {
      email: 'lunch@contoso.example',
      displayName: 'Contoso Lunch',
      staff: [
        {
          id: 's1',
          displayName: 'Adele Vance',
          emailAddress: 'adele@contoso.example',
          role: 'administrator',
        },
      ],
      services: [
        {
          id: 'svc1',
          displayName: 'Consultation',
          durationMinutes: 30,
          postBufferMinutes: 10,
          maxAttendees: 1,
          staffMemberIds: ['s1'],
        },
      ],
    },
  ],
};

/** Your flow's reading of StartTime and EndTime: it has to accept every form the trigger may send. */
function parseTriggerTime(text: string): number {
  const invariant = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!invariant) return Date.parse(text); // ISO 8601 with Z, three or seven fractional digits
  const [month = 1, day = 1, year = 0, hours = 0, minutes = 0, seconds = 0] = invariant.slice(1).map(Number);
  return Date.UTC(year, month - 1, day, hours, minutes, seconds);
}

describe.each(startEmulator.variants())('under $name', (variant) => {
  const policies = { ...policyDefaults, ...variant.policies };
  let emulator: RunningEmulator;
  let payload: AppointmentData;

  beforeAll(async () => {
    emulator = await startEmulator({ seed, policies: variant.policies });
    await emulator.subscribe({ url: `${emulator.url}/_emulator/inbox/my-flow`, trigger: 'created' });
    const appointment = await emulator.createAppointment({
      serviceId: 'svc1',
      startDateTime: { dateTime: '2026-06-24T16:30:00', timeZone: 'UTC' },
      endDateTime: { dateTime: '2026-06-24T17:00:00', timeZone: 'UTC' },
      customers: [{ name: 'Jordan Miller', emailAddress: 'jordan@example.com' }],
    });
    const delivery = await emulator.waitForDelivery({ appointmentId: appointment.id });
    expect(delivery.status).toBe('delivered');
    payload = delivery.payload;
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('sends times the flow can read, and the Duration this variant stands for', () => {
    const blockedMinutes = policies['buffers-in-times'] === 'on' ? 40 : 30;
    expect(parseTriggerTime(payload.StartTime ?? '')).toBe(Date.UTC(2026, 5, 24, 16, 30));
    expect(parseTriggerTime(payload.EndTime ?? '')).toBe(Date.UTC(2026, 5, 24, 16, 30 + blockedMinutes));
    expect(payload.Duration).toBe(
      policies['duration-unit'] === 'minutes' ? blockedMinutes : blockedMinutes * 60,
    );
  });
});

it('startEmulator.variants() is the list run --matrix uses', () => {
  expect(startEmulator.variants()).toEqual(policyVariants());
  expect(startEmulator.variants()[0]?.name).toBe('defaults');
});
