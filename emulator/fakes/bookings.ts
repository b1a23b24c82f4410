import type { Faker } from '@faker-js/faker';
import { type GenerateSyncOptions, generateSync } from 'json-schema-faker';
import type {
  BookingAppointment,
  BookingCustomerInformation,
  BookingQuestionAnswer,
  Seed,
  SeedBusiness,
  SeedService,
  SeedStaffMember,
} from '../generated/schema-types.js';
import { generationFormats, generationSchema } from './generation-schemas.js';
import { createSeededFaker } from './seeded-faker.js';

export type BookingKind = 'one-to-one' | 'group';

/** A seed with one business and the appointment (Graph input) a test or `fake` makes on it. */
export interface FakeCase {
  seed: Seed;
  business: SeedBusiness;
  service: SeedService;
  appointment: BookingAppointment;
}

/** Valid but awkward strings: empty, Unicode, markup, separators, long. */
const oddStrings = [
  '',
  ' ',
  'Zoë Ärger-Ångström',
  '李小龍',
  'مرحبا',
  '😀 party 🎉',
  'quote " and \\\\ backslash',
  '<script>alert(1)</script>',
  'line\nbreak\ttab',
  'separator\u2028here',
  '0',
  'null',
  'x'.repeat(2000),
];

const timeZones = [
  'UTC',
  'Europe/Paris',
  'America/New_York',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific Standard Time',
];

/** How often json-schema-faker, and the fakes, put in an optional property. */
const optionalsProbability = 0.7;

/** How many values json-schema-faker makes in one call where a batch will do. */
const batchSize = 16;

interface FakeBusiness {
  seed: Seed;
  business: SeedBusiness;
  service: SeedService;
  bookingsLeft: number;
}

/**
 * Seeds and appointments from the schemas themselves (json-schema-faker on seed.schema.json and
 * the Graph schema), with faker for realistic names and a share of odd strings. One instance, one
 * seed: the same seed gives the same cases, and nothing touches faker's global instance.
 */
export class FakeBookings {
  readonly faker: Faker;
  private businessCounter = 0;
  private readonly businesses = new Map<BookingKind, FakeBusiness>();
  /** Values json-schema-faker made in one call, by schema and definition, handed out one at a time. */
  private readonly batches = new Map<string, unknown[]>();

  constructor(readonly seed: number) {
    this.faker = createSeededFaker(seed);
  }

  private options(): GenerateSyncOptions {
    return {
      seed: this.faker.number.int({ min: 1, max: 2 ** 31 - 1 }),
      extensions: { faker: this.faker },
      formats: generationFormats,
      optionalsProbability,
      maxLength: 40,
    };
  }

  private generate<T>(name: string, definition: string): T {
    return generateSync(generationSchema(name, definition), {
      ...this.options(),
      minItems: 1,
      maxItems: 4,
    }) as T;
  }

  /**
   * One value of `definition` as json-schema-faker makes it. Values are made a batch at a time,
   * because each call costs about as much as three small values before it makes any. Only for
   * definitions with no arrays inside (those would take json-schema-faker's default bounds).
   */
  private generated<T>(name: string, definition: string): T {
    const key = `${name}#${definition}`;
    let batch = this.batches.get(key);
    if (!batch || batch.length === 0) {
      batch = (
        generateSync(generationSchema(name, definition, batchSize), this.options()) as unknown[]
      ).reverse();
      this.batches.set(key, batch);
    }
    return batch.pop() as T;
  }

  /**
   * Whether an optional property the fakes fill themselves is present: as json-schema-faker
   * decides for the ones it fills, each on its own with the same probability, but without asking it
   * to make a value only to see whether it is there.
   */
  private optionalPresent(): boolean {
    return this.faker.datatype.boolean({ probability: optionalsProbability });
  }

  /** Usually a realistic value, sometimes one of the odd strings (never empty where the emulator needs text). */
  private text(realistic: () => string, options: { nonEmpty?: boolean } = {}): string {
    if (!this.faker.datatype.boolean({ probability: 0.2 })) return realistic();
    const odd = this.faker.helpers.arrayElement(oddStrings);
    return options.nonEmpty && odd.trim() === '' ? realistic() : odd;
  }

  private staff(count: number): SeedStaffMember[] {
    return Array.from({ length: count }, (_, index) => {
      const generated = this.generated<SeedStaffMember>('seed', 'StaffMember');
      return {
        id: `staff-${index}-${generated.id}`,
        displayName: this.text(() => this.faker.person.fullName()),
        emailAddress: this.faker.internet.email().toLowerCase(),
        role: index === 0 ? 'administrator' : generated.role,
      };
    });
  }

  private service(kind: BookingKind, staff: SeedStaffMember[]): SeedService {
    const generated = this.generate<SeedService>('seed', 'Service');
    const questions = (generated.customQuestions ?? []).map((question, index) => {
      const options = [...new Set(question.answerOptions ?? [])].filter((option) => option !== '');
      const choice = options.length > 0 && this.faker.datatype.boolean();
      return {
        id: `q${index}-${question.id}`,
        question: this.text(() => `${this.faker.lorem.words(3)}?`),
        isRequired: question.isRequired ?? false,
        ...(choice ? { answerOptions: options } : {}),
      };
    });
    const service: SeedService = {
      id: `svc-${this.businessCounter}`,
      displayName: this.text(() => this.faker.commerce.productName()),
      durationMinutes: this.faker.number.int({ min: 5, max: 480 }),
      maxAttendees: kind === 'one-to-one' ? 1 : this.faker.number.int({ min: 2, max: 50 }),
      staffMemberIds: this.faker.helpers.arrayElements(
        staff.map((member) => member.id),
        { min: 1, max: staff.length },
      ),
      isOnline: generated.isOnline ?? false,
      smsNotificationsEnabled: generated.smsNotificationsEnabled ?? false,
      customQuestions: questions,
    };
    if (this.optionalPresent()) service.notes = this.text(() => this.faker.lorem.sentence());
    return service;
  }

  private answers(service: SeedService): BookingQuestionAnswer[] {
    return (service.customQuestions ?? [])
      .filter(() => this.faker.datatype.boolean({ probability: 0.8 }))
      .map((question) => {
        const options = question.answerOptions ?? [];
        if (options.length > 0) {
          return {
            questionId: question.id,
            selectedOptions: this.faker.helpers.arrayElements(options, { min: 1, max: options.length }),
          };
        }
        return { questionId: question.id, answer: this.text(() => this.faker.lorem.sentence()) };
      });
  }

  private customer(
    generated: BookingCustomerInformation,
    service: SeedService,
    withAnswers: boolean,
  ): BookingCustomerInformation {
    const customer: BookingCustomerInformation = {
      ...generated,
      name: this.text(() => this.faker.person.fullName(), { nonEmpty: true }),
      emailAddress: this.faker.internet.email().toLowerCase(),
      timeZone: this.faker.helpers.arrayElement(timeZones),
      customQuestionAnswers: withAnswers ? this.answers(service) : [],
    };
    if (this.optionalPresent()) customer.phone = this.faker.phone.number({ style: 'international' });
    if (this.optionalPresent()) customer.notes = this.text(() => this.faker.lorem.sentence());
    return customer;
  }

  /** A business with staff and one service of `kind`, kept for a few bookings (businesses take many). */
  private business(kind: BookingKind): FakeBusiness {
    const current = this.businesses.get(kind);
    if (current && current.bookingsLeft > 0) {
      current.bookingsLeft -= 1;
      return current;
    }
    this.businessCounter += 1;
    const staff = this.staff(this.faker.number.int({ min: 1, max: 3 }));
    const service = this.service(kind, staff);
    const business: SeedBusiness = {
      email: `bookings-${this.businessCounter}@${this.faker.internet.domainWord()}.example`,
      displayName: this.text(() => this.faker.company.name(), { nonEmpty: true }),
      staff,
      services: [service],
    };
    const upn = staff[0]?.emailAddress ?? 'admin@example.com';
    const seed: Seed = {
      users: [{ upn, token: `token-${this.businessCounter}-fake` }],
      businesses: [business],
    };
    const fresh = { seed, business, service, bookingsLeft: this.faker.number.int({ min: 0, max: 5 }) };
    this.businesses.set(kind, fresh);
    return fresh;
  }

  /** One fake booking of the given kind (random when absent), with or without answers. */
  next(options: { kind?: BookingKind; withAnswers?: boolean } = {}): FakeCase {
    const kind = options.kind ?? this.faker.helpers.arrayElement<BookingKind>(['one-to-one', 'group']);
    const withAnswers = options.withAnswers ?? this.faker.datatype.boolean({ probability: 0.7 });
    const { seed, business, service } = this.business(kind);
    const capacity = service.maxAttendees ?? 1;
    const count = kind === 'one-to-one' ? 1 : this.faker.number.int({ min: 1, max: Math.min(capacity, 6) });
    const customers = Array.from({ length: count }, () =>
      this.customer(
        this.generated<BookingCustomerInformation>('graph-booking-appointment', 'bookingCustomerInformation'),
        service,
        withAnswers,
      ),
    );
    const start = this.faker.date.between({ from: '2026-01-01T00:00:00Z', to: '2027-12-31T00:00:00Z' });
    start.setUTCSeconds(0, 0);
    const appointment: BookingAppointment = {
      serviceId: service.id,
      startDateTime: { dateTime: start.toISOString(), timeZone: 'UTC' },
      customers,
      smsNotificationsEnabled: this.faker.datatype.boolean(),
    };
    if (this.faker.datatype.boolean())
      appointment.additionalInformation = this.text(() => this.faker.lorem.paragraph());
    return { seed, business, service, appointment };
  }
}
