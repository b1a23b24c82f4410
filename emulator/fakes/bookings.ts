import type { Faker } from '@faker-js/faker';
import { generateSync, type JsonSchema } from 'json-schema-faker';
import { loadSchemaDocument } from '../core/schemas/documents.js';
import type {
  BookingAppointment,
  BookingCustomerInformation,
  BookingQuestionAnswer,
  Seed,
  SeedBusiness,
  SeedService,
  SeedStaffMember,
} from '../generated/schema-types.js';
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

interface FakeBusiness {
  seed: Seed;
  business: SeedBusiness;
  service: SeedService;
  bookingsLeft: number;
}

const maxGeneratedLength = 40;

/**
 * The schema with every `maxLength` above 40 lowered to 40. json-schema-faker builds a string up to
 * the schema's own maxLength before its `maxLength` option cuts it, so the 10,000-character limits
 * made each string 50 times slower to fake. Shorter strings are still valid against the original.
 */
function capStringLengths(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(capStringLengths);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'maxLength' && typeof value === 'number'
        ? Math.min(value, maxGeneratedLength)
        : capStringLengths(value);
  }
  return out;
}

/**
 * Only the `$defs` that `definition` refers to, directly or through others: json-schema-faker walks
 * every definition it is given on each call, and most of a document's are unrelated.
 */
function reachableDefinitions(
  definitions: Record<string, unknown>,
  definition: string,
): Record<string, unknown> {
  const reached: Record<string, unknown> = {};
  const pending = [definition];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (name in reached || !(name in definitions)) continue;
    reached[name] = definitions[name];
    for (const match of JSON.stringify(definitions[name]).matchAll(/"#\/\$defs\/([^"/]+)"/g)) {
      if (match[1]) pending.push(match[1]);
    }
  }
  return reached;
}

/**
 * A reference into another schema file (`graph-booking-appointment.schema.json#/$defs/x`) replaced
 * by that definition: json-schema-faker's generateSync resolves only local references.
 */
function inlineRemoteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inlineRemoteRefs);
  if (node === null || typeof node !== 'object') return node;
  const { $ref: ref, ...rest } = node as Record<string, unknown>;
  const remote = typeof ref === 'string' ? /^([a-z-]+)\.schema\.json#\/\$defs\/([^/]+)$/.exec(ref) : null;
  const inlined = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, inlineRemoteRefs(value)]),
  );
  if (!remote?.[1] || !remote[2]) return ref === undefined ? inlined : { $ref: ref, ...inlined };
  const file = `${remote[1]}.schema.json`;
  const definition = JSON.stringify(loadSchemaDocument(remote[1]).$defs[remote[2]]).replaceAll(
    '"#/$defs/',
    `"${file}#/$defs/`,
  );
  return { ...(inlineRemoteRefs(JSON.parse(definition)) as object), ...inlined };
}

const generationSchemas = new Map<string, JsonSchema>();

/**
 * Seeds and appointments from the schemas themselves (json-schema-faker on seed.schema.json and
 * the Graph schema), with faker for realistic names and a share of odd strings. One instance, one
 * seed: the same seed gives the same cases, and nothing touches faker's global instance.
 */
export class FakeBookings {
  readonly faker: Faker;
  private businessCounter = 0;
  private readonly businesses = new Map<BookingKind, FakeBusiness>();

  constructor(readonly seed: number) {
    this.faker = createSeededFaker(seed);
  }

  private schema(name: string, definition: string): JsonSchema {
    const key = `${name}#${definition}`;
    let schema = generationSchemas.get(key);
    if (!schema) {
      const document = loadSchemaDocument(name);
      schema = capStringLengths(
        inlineRemoteRefs({
          ...(document.$defs[definition] as object),
          $defs: reachableDefinitions(document.$defs, definition),
        }),
      ) as JsonSchema;
      generationSchemas.set(key, schema);
    }
    return schema;
  }

  private generate<T>(name: string, definition: string, options: { maxItems?: number } = {}): T {
    return generateSync(this.schema(name, definition), {
      seed: this.faker.number.int({ min: 1, max: 2 ** 31 - 1 }),
      extensions: { faker: this.faker },
      optionalsProbability: 0.7,
      minItems: 1,
      maxItems: options.maxItems ?? 4,
      maxLength: 40,
    }) as T;
  }

  /** Usually a realistic value, sometimes one of the odd strings (never empty where the emulator needs text). */
  private text(realistic: () => string, options: { nonEmpty?: boolean } = {}): string {
    if (!this.faker.datatype.boolean({ probability: 0.2 })) return realistic();
    const odd = this.faker.helpers.arrayElement(oddStrings);
    return options.nonEmpty && odd.trim() === '' ? realistic() : odd;
  }

  private staff(count: number): SeedStaffMember[] {
    return Array.from({ length: count }, (_, index) => {
      const generated = this.generate<SeedStaffMember>('seed', 'StaffMember');
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
    if (generated.notes !== undefined) service.notes = this.text(() => this.faker.lorem.sentence());
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

  private customer(service: SeedService, withAnswers: boolean): BookingCustomerInformation {
    const generated = this.generate<BookingCustomerInformation>(
      'graph-booking-appointment',
      'bookingCustomerInformation',
      {
        maxItems: 2,
      },
    );
    const customer: BookingCustomerInformation = {
      ...generated,
      name: this.text(() => this.faker.person.fullName(), { nonEmpty: true }),
      emailAddress: this.faker.internet.email().toLowerCase(),
      timeZone: this.faker.helpers.arrayElement(timeZones),
      customQuestionAnswers: withAnswers ? this.answers(service) : [],
    };
    if (generated.phone !== undefined) customer.phone = this.faker.phone.number({ style: 'international' });
    if (generated.notes !== undefined) customer.notes = this.text(() => this.faker.lorem.sentence());
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
    const customers = Array.from(
      { length: kind === 'one-to-one' ? 1 : this.faker.number.int({ min: 1, max: Math.min(capacity, 6) }) },
      () => this.customer(service, withAnswers),
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
