import { createHash } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import { createSeededFaker } from '../fakes/seeded-faker.js';

/** What a personal value becomes: a stable fake of the same kind. */
const fakes = {
  name: (faker: Faker) => faker.person.fullName(),
  email: (faker: Faker) => faker.internet.email({ provider: 'example.com' }).toLowerCase(),
  phone: (faker: Faker) => faker.phone.number({ style: 'international' }),
  place: (faker: Faker) => faker.location.streetAddress(),
  street: (faker: Faker) => faker.location.streetAddress(),
  city: (faker: Faker) => faker.location.city(),
  postcode: (faker: Faker) => faker.location.zipCode(),
  state: (faker: Faker) => faker.location.state({ abbreviated: true }),
  text: (faker: Faker) => faker.lorem.sentence(),
} as const;

type FakeKind = keyof typeof fakes;

/** Parents whose DisplayName is a place and whose PhysicalAddress holds an address. */
const locationKeys = ['CustomerLocation', 'Location', 'serviceLocation'];
const addressKeys = ['PhysicalAddress', 'address'];

interface Rule {
  /** Property names, compared without regard to case (AppointmentData's and Graph's spellings). */
  keys: readonly string[];
  /** Only inside an object held under one of these names. */
  under?: readonly string[];
  fake: FakeKind | 'answer';
  /** For the help and docs/capture.md. */
  says: string;
}

/**
 * Every field `capture --redact` replaces, first match wins. What is not listed is kept: ids,
 * times, service names and notes, questions, choice answers and their options, time zones,
 * CountryOrRegion, TrackingData, JoinWebURL. E-mail addresses are replaced wherever they occur,
 * and phone numbers in ServiceNotes, TrackingData and text bodies.
 */
const rules: readonly Rule[] = [
  { keys: ['DisplayName'], under: locationKeys, fake: 'place', says: 'the place a customer gave' },
  { keys: ['Street'], under: addressKeys, fake: 'street', says: 'street' },
  { keys: ['City'], under: addressKeys, fake: 'city', says: 'city' },
  { keys: ['PostalCode'], under: addressKeys, fake: 'postcode', says: 'postal code' },
  { keys: ['State'], under: addressKeys, fake: 'state', says: 'state (CountryOrRegion is kept)' },
  {
    keys: ['CustomerName', 'Name', 'DisplayName'],
    fake: 'name',
    says: 'names of customers and staff',
  },
  {
    keys: ['CustomerEmail', 'Email', 'EmailAddress', 'customerEmailAddress'],
    fake: 'email',
    says: 'e-mail addresses',
  },
  { keys: ['CustomerPhone', 'Phone'], fake: 'phone', says: 'phone numbers' },
  {
    keys: ['CustomerNotes', 'Notes', 'AdditionalInfo', 'additionalInformation', 'CancelReason'],
    fake: 'text',
    says: 'free text people write: notes, additional information, the cancel reason',
  },
  {
    keys: ['Answer'],
    fake: 'answer',
    says: 'answers to text questions (a choice answer, made of its AnswerOptions, is kept)',
  },
];

/** The field list, one line per rule, for `capture --help` and docs/capture.md. */
export function redactedFieldLines(): string[] {
  return rules.map(
    (rule) => `${rule.keys.join(', ')}${rule.under ? ` (in ${rule.under.join(', ')})` : ''}: ${rule.says}`,
  );
}

const lower = (names: readonly string[]) => new Set(names.map((name) => name.toLowerCase()));
const compiled = rules.map((rule) => ({
  keys: lower(rule.keys),
  under: rule.under ? lower(rule.under) : undefined,
  fake: rule.fake,
}));

/** Where people write phone numbers in prose; elsewhere digit runs are ids and times. */
const phoneScanKeys = lower(['ServiceNotes', 'TrackingData']);
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const phonePattern = /\+?\d[\d ().-]{6,}\d/g;

/** The same real value always becomes the same fake one, so references between payloads survive. */
function stableFake(kind: FakeKind, value: string): string {
  const digest = createHash('sha256').update(`${kind}\u0000${value}`).digest();
  return fakes[kind](createSeededFaker(digest.readUInt32BE(0)));
}

function scrubText(text: string, phones: boolean): string {
  const withoutEmails = text.replace(emailPattern, (email) => stableFake('email', email));
  return phones ? withoutEmails.replace(phonePattern, (phone) => stableFake('phone', phone)) : withoutEmails;
}

/** A choice question's answer is its selected options, joined by ", ": no one wrote it. */
function isChoiceAnswer(answer: string, question: Record<string, unknown>): boolean {
  const options = (Object.entries(question).find(([key]) => key.toLowerCase() === 'answeroptions')?.[1] ??
    []) as unknown[];
  if (!Array.isArray(options) || options.length === 0) return false;
  return options.includes(answer) || answer.split(', ').every((part) => options.includes(part));
}

function redactString(
  value: string,
  key: string | undefined,
  parentKey: string | undefined,
  owner: Record<string, unknown>,
): string {
  if (value === '') return value;
  const name = key?.toLowerCase();
  const parent = parentKey?.toLowerCase();
  const rule = compiled.find(
    (each) =>
      name !== undefined &&
      each.keys.has(name) &&
      (!each.under || (parent !== undefined && each.under.has(parent))),
  );
  if (rule?.fake === 'answer') return isChoiceAnswer(value, owner) ? value : stableFake('text', value);
  if (rule) return stableFake(rule.fake, value);
  return scrubText(value, name === undefined || phoneScanKeys.has(name));
}

function redactValue(
  value: unknown,
  key: string | undefined,
  parentKey: string | undefined,
  owner: object,
): unknown {
  // An item is judged by the name of its list: AnswerOptions items are options, Name items names.
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key, parentKey, owner));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, redactValue(item, name, key, value)]),
    );
  }
  return typeof value === 'string'
    ? redactString(value, key, parentKey, owner as Record<string, unknown>)
    : value;
}

/**
 * Replaces every personal value (the fields `redactedFieldLines()` lists) by a stable fake of the
 * same kind, keeping the shape: the same keys, the same types, empty strings left empty. The same
 * person (the same name, address, e-mail) becomes the same fake in every payload.
 */
export function redact(value: unknown): unknown {
  return redactValue(value, undefined, undefined, {});
}
