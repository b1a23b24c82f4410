import { createHash } from 'node:crypto';
import { createSeededFaker } from '../fakes/seeded-faker.js';

const nameKeys = new Set(['CustomerName', 'Name', 'DisplayName']);
const emailKeys = new Set(['CustomerEmail', 'Email', 'EmailAddress']);
const phoneKeys = new Set(['CustomerPhone', 'Phone']);
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const phonePattern = /\+?\d[\d ().-]{6,}\d/g;
/** Where people write phone numbers in prose; elsewhere digit runs are ids and times. */
const freeTextKeys = new Set([
  'AdditionalInfo',
  'CustomerNotes',
  'Notes',
  'Answer',
  'CancelReason',
  'ServiceNotes',
  'TrackingData',
]);

/** The same real value always becomes the same fake one, so references between payloads survive. */
function stableFaker(kind: string, value: string) {
  const digest = createHash('sha256').update(`${kind}\u0000${value}`).digest();
  return createSeededFaker(digest.readUInt32BE(0));
}

const fakeName = (value: string) => stableFaker('name', value).person.fullName();
const fakeEmail = (value: string) =>
  stableFaker('email', value).internet.email({ provider: 'example.com' }).toLowerCase();
const fakePhone = (value: string) => stableFaker('phone', value).phone.number({ style: 'international' });

function redactText(text: string, freeText: boolean): string {
  const withoutEmails = text.replace(emailPattern, fakeEmail);
  return freeText ? withoutEmails.replace(phonePattern, fakePhone) : withoutEmails;
}

/**
 * Replaces names, e-mail addresses and phone numbers by stable fakes while keeping the shape:
 * the same keys, the same types, empty strings left empty. Location display names are places,
 * not people, and are kept.
 */
export function redact(value: unknown, key?: string, parentKey?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item, undefined, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redact(item, name, key)]));
  }
  if (typeof value !== 'string' || value === '') return value;
  const isLocation = parentKey === 'CustomerLocation' || parentKey === 'Location';
  if (key !== undefined && nameKeys.has(key) && !isLocation) return fakeName(value);
  if (key !== undefined && emailKeys.has(key)) return fakeEmail(value);
  if (key !== undefined && phoneKeys.has(key)) return fakePhone(value);
  return redactText(value, key === undefined || freeTextKeys.has(key));
}
