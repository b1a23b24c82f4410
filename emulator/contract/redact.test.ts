import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import { redact, redactedFieldLines } from './redact.js';

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

interface Address {
  City: string;
  CountryOrRegion: string;
  PostalCode: string;
  State: string;
  Street: string;
}
interface Question {
  Answer?: string;
  AnswerOptions: string[];
  Question: string;
  QuestionID: string;
  SelectedOptions: number[];
}
interface OneToOne {
  AdditionalInfo: string;
  CustomerName: string;
  CustomerEmail: string;
  CustomerPhone: string;
  CustomerLocation: { DisplayName: string; PhysicalAddress: Address };
  CustomQuestionAnswers: Question[];
  [key: string]: unknown;
}

const oneToOne = () => captured('one-to-one-created.json') as OneToOne;

describe('redact', () => {
  it('replaces every personal value, keeping the shape and validity', () => {
    for (const file of [
      'one-to-one-created.json',
      'group-created.json',
      'group-cancelled-with-reason.json',
    ]) {
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
        'First time',
        '1 Main St',
        'Springfield',
        '62701',
        'Second floor, ring twice',
        "Please bring last year's tax return.",
        'The instructor is ill',
      ]) {
        expect(text, `${file} still contains ${secret}`).not.toContain(secret);
      }
    }
  });

  it('replaces the address and the place a customer gave, but not the country', () => {
    const original = oneToOne();
    const { CustomerLocation: location } = redact(original) as OneToOne;
    const before = original.CustomerLocation.PhysicalAddress;
    for (const field of ['Street', 'City', 'PostalCode', 'State'] as const) {
      expect(location.PhysicalAddress[field], field).not.toBe(before[field]);
      expect(location.PhysicalAddress[field], field).not.toBe('');
    }
    expect(location.PhysicalAddress.State).toMatch(/^[A-Z]{2}$/);
    expect(location.PhysicalAddress.CountryOrRegion).toBe('USA');
    expect(location.DisplayName).not.toBe('Home');
  });

  it('replaces what people write: notes, additional information, cancel reasons, text answers', () => {
    const original = oneToOne();
    const redacted = redact(original) as OneToOne;
    expect(redacted.AdditionalInfo).not.toBe(original.AdditionalInfo);
    expect(redacted.CustomQuestionAnswers[0]?.Answer).not.toBe('Second floor, ring twice');
    expect(redacted.CustomQuestionAnswers[0]?.Question).toBe('Anything we should know?');
    const cancelled = redact(captured('group-cancelled-with-reason.json')) as { CancelReason: string };
    expect(cancelled.CancelReason).not.toContain('instructor');
    const notes = redact({ CustomerNotes: 'Call +44 20 7946 0958 or write to pat@example.org' }) as {
      CustomerNotes: string;
    };
    expect(notes.CustomerNotes).not.toMatch(/7946|pat@example\.org/);
  });

  it('keeps choice answers and their options: nobody wrote them', () => {
    const question = (answer: string) => ({
      Answer: answer,
      AnswerOptions: ['Tax', 'Audit', 'Payroll'],
      Question: 'What is the topic?',
      QuestionID: 'q1',
      SelectedOptions: [0, 1],
    });
    const redacted = redact({
      CustomQuestionAnswers: [question('Audit'), question('Tax, Audit'), question('Tax and my divorce')],
    }) as { CustomQuestionAnswers: Question[] };
    const [single, multiple, written] = redacted.CustomQuestionAnswers;
    expect(single).toEqual(question('Audit'));
    expect(multiple).toEqual(question('Tax, Audit'));
    expect(written?.Answer).not.toBe('Tax and my divorce');
    expect(written?.AnswerOptions).toEqual(['Tax', 'Audit', 'Payroll']);
  });

  it('is stable: the same person becomes the same fake, in every field and every payload', () => {
    const a = redact(captured('group-created.json')) as {
      StaffMembers: Array<{ EmailAddress: string; DisplayName: string }>;
    };
    const b = redact(captured('group-cancelled-with-reason.json')) as {
      StaffMembers: Array<{ EmailAddress: string; DisplayName: string }>;
    };
    expect(a.StaffMembers[0]).toEqual(b.StaffMembers[0]);
    expect(a.StaffMembers[0]?.EmailAddress).toMatch(/@example\.com$/);

    const address = { Street: '1 Main St', City: 'Springfield', PostalCode: '62701', State: 'IL' };
    const oneToOneFake = redact({
      CustomerName: 'Jordan Miller',
      CustomerLocation: { DisplayName: 'Home', PhysicalAddress: address },
    }) as { CustomerName: string; CustomerLocation: { DisplayName: string; PhysicalAddress: Address } };
    const groupFake = redact({
      Customers: [{ Name: 'Jordan Miller', Location: { DisplayName: 'Home', PhysicalAddress: address } }],
    }) as { Customers: Array<{ Name: string; Location: { DisplayName: string; PhysicalAddress: Address } }> };
    expect(groupFake.Customers[0]?.Name).toBe(oneToOneFake.CustomerName);
    expect(groupFake.Customers[0]?.Location).toEqual(oneToOneFake.CustomerLocation);
  });

  it('keeps what is not personal: ids, times, service details, questions, time zones, tracking data, empty strings', () => {
    const original = oneToOne();
    const redacted = redact(original) as OneToOne;
    for (const field of [
      'Id',
      'SelfServiceAppointmentId',
      'CustomerId',
      'ServiceId',
      'ServiceName',
      'ServiceNotes',
      'StartTime',
      'EndTime',
      'Duration',
      'CustomerTimeZone',
      'CustomerNotes',
      'TrackingData',
      'JoinWebURL',
    ]) {
      expect(redacted[field], field).toEqual(original[field]);
    }
    expect(redact({ TrackingData: 'utm_source=newsletter' })).toEqual({
      TrackingData: 'utm_source=newsletter',
    });
  });

  it('reads the Graph spellings too', () => {
    const redacted = redact({
      customers: [
        {
          name: 'Jordan Miller',
          emailAddress: 'jordan.miller@example.com',
          phone: '+1 555 0100',
          notes: 'Second floor, ring twice',
          location: {
            displayName: 'Home',
            address: {
              street: '1 Main St',
              city: 'Springfield',
              state: 'IL',
              postalCode: '62701',
              countryOrRegion: 'USA',
            },
          },
        },
      ],
      additionalInformation: 'Gate code 4411',
    });
    const text = JSON.stringify(redacted);
    for (const secret of [
      'Jordan Miller',
      'jordan.miller',
      '555 0100',
      'ring twice',
      'Main St',
      'Springfield',
      '62701',
      'Home',
      '4411',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(text).toContain('"countryOrRegion":"USA"');
  });

  it('finds e-mail addresses everywhere and phone numbers in prose it keeps', () => {
    const redacted = redact({
      ServiceNotes: 'Call +44 20 7946 0958 or write to pat@example.org before noon',
      Question: 'Ask pat@example.org?',
    }) as { ServiceNotes: string; Question: string };
    expect(redacted.ServiceNotes).not.toContain('pat@example.org');
    expect(redacted.ServiceNotes).not.toContain('7946');
    expect(redacted.ServiceNotes).toMatch(/^Call .+ or write to \S+@\S+ before noon$/);
    expect(redacted.Question).toMatch(/^Ask \S+@example\.com\?$/);
  });

  it('has its field list in docs/capture.md', () => {
    const docs = readFileSync(join(packageRoot, 'docs', 'capture.md'), 'utf8');
    for (const line of redactedFieldLines()) {
      const fields = line.slice(0, line.indexOf(':')).split(/, | \(in /);
      for (const field of fields.map((each) => each.replace(/\)$/, ''))) {
        expect(docs, `docs/capture.md does not name ${field}`).toContain(`\`${field}\``);
      }
    }
  });
});
