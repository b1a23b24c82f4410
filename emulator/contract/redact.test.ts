import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import { redact } from './redact.js';

const captured = (name: string) =>
  JSON.parse(readFileSync(join(packageRoot, 'fixtures', 'captured', name), 'utf8')) as Record<
    string,
    unknown
  >;

function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shapeOf(item)]));
  }
  return typeof value;
}

describe('redact', () => {
  it('replaces names, e-mail addresses and phone numbers, keeping the shape and validity', () => {
    for (const file of ['one-to-one-created.json', 'group-created.json']) {
      const original = captured(file);
      const redacted = redact(original) as Record<string, unknown>;
      expect(shapeOf(redacted)).toEqual(shapeOf(original));
      expect(getSchemaRegistry().check(schemaId('appointment-data'), redacted)).toEqual([]);
      const text = JSON.stringify(redacted);
      for (const secret of [
        'Jordan Miller',
        'jordan.miller@example.com',
        '+1 555 0100',
        'Adele Vance',
        'adele@contoso.example',
        'Sam Lee',
        'sam.lee@example.com',
      ]) {
        expect(text, `${file} still contains ${secret}`).not.toContain(secret);
      }
    }
  });

  it('is stable: the same value always becomes the same fake, across payloads', () => {
    const a = redact(captured('group-created.json')) as {
      StaffMembers: Array<{ EmailAddress: string; DisplayName: string }>;
    };
    const b = redact(captured('group-cancelled-with-reason.json')) as {
      StaffMembers: Array<{ EmailAddress: string; DisplayName: string }>;
    };
    expect(a.StaffMembers[0]).toEqual(b.StaffMembers[0]);
    expect(a.StaffMembers[0]?.EmailAddress).toMatch(/@example\.com$/);
  });

  it('keeps what is not personal: ids, times, service names, place names, empty strings', () => {
    const original = captured('one-to-one-created.json');
    const redacted = redact(original) as Record<string, unknown>;
    for (const field of ['Id', 'ServiceId', 'ServiceName', 'StartTime', 'Duration', 'CustomerNotes']) {
      expect(redacted[field], field).toEqual(original[field]);
    }
    expect((redacted.CustomerLocation as { DisplayName: string }).DisplayName).toBe('Home');
  });

  it('finds e-mail addresses and phone numbers inside free text', () => {
    const redacted = redact({
      AdditionalInfo: 'Call +44 20 7946 0958 or write to pat@example.org before noon',
    }) as {
      AdditionalInfo: string;
    };
    expect(redacted.AdditionalInfo).not.toContain('pat@example.org');
    expect(redacted.AdditionalInfo).not.toContain('7946');
    expect(redacted.AdditionalInfo).toMatch(/^Call .+ or write to \S+@\S+ before noon$/);
  });
});
