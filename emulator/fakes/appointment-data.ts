import { VirtualClock } from '../core/clock.js';
import { createIdGenerator } from '../core/ids.js';
import { toAppointmentData } from '../domain/appointment-data.js';
import { type AppointmentChange, AppointmentService } from '../domain/appointments.js';
import { Directory } from '../domain/directory.js';
import { type PolicySettings, policyDefaults } from '../domain/policies.js';
import type { AppointmentData, Seed } from '../generated/schema-types.js';
import { createMemoryStore } from '../state/memory/memory-store.js';
import { type BookingKind, FakeBookings } from './bookings.js';

/**
 * AppointmentData exactly as the emulator would send it for fake bookings: the same appointment
 * rules and formatter as a running emulator (default policies unless `policies` says otherwise),
 * without a server.
 */
export function* fakeAppointmentData(options: {
  seed: number;
  kind?: BookingKind;
  /** Also yield each booking's cancellation (with a reason), after its creation. */
  withCancellations?: boolean;
  policies?: PolicySettings;
}): Generator<AppointmentData> {
  const policies = options.policies ?? policyDefaults;
  const bookings = new FakeBookings(options.seed);
  const ids = createIdGenerator(options.seed);
  const clock = new VirtualClock(Date.parse('2026-01-05T08:00:00Z'));
  // FakeBookings keeps each business for a few bookings: its Directory (the business documents
  // and their seed-shaped view) is built once for them, as a running emulator builds it once.
  let directory: { seed: Seed; directory: Directory } | undefined;
  for (;;) {
    const fake = bookings.next(options.kind === undefined ? {} : { kind: options.kind });
    if (directory?.seed !== fake.seed) directory = { seed: fake.seed, directory: new Directory(fake.seed) };
    const changes: AppointmentChange[] = [];
    // A store of its own for each booking: no booking sees another's appointments.
    const service = new AppointmentService({
      directory: directory.directory,
      store: createMemoryStore().appointments,
      clock,
      ids,
      rescheduleGivesNewId: () => false,
      onChange: (change) => changes.push(change),
    });
    // A share of the bookings come from customers on the booking page, with campaign data.
    const selfService = bookings.faker.datatype.boolean({ probability: 0.3 })
      ? {
          trackingData: `utm_source=${bookings.faker.word.noun()}&utm_campaign=${bookings.faker.word.adjective()}`,
        }
      : undefined;
    const record = service.create(fake.business.email, fake.appointment, selfService);
    if (options.withCancellations) {
      service.cancel(fake.business.email, record.appointment.id, bookings.faker.lorem.sentence());
    }
    for (const change of changes) {
      yield toAppointmentData(change.record, change.business, change, policies);
    }
  }
}
