import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../emulator/core/paths.js';
import { getSchemaRegistry, schemaId } from '../emulator/core/schemas/registry.js';

const valid = JSON.parse(
  readFileSync(join(packageRoot, 'fixtures', 'captured', 'one-to-one-created.json'), 'utf8'),
);
const group = JSON.parse(
  readFileSync(join(packageRoot, 'fixtures', 'captured', 'group-created.json'), 'utf8'),
);

type Mutation = [
  name: string,
  mutate: (payload: Record<string, unknown>) => void,
  pointer: string,
  keyword: string,
];

const mutations: Mutation[] = [
  ['Duration as a string', (p) => (p.Duration = '30'), '/Duration', 'type'],
  ['Duration as a fraction', (p) => (p.Duration = 30.5), '/Duration', 'type'],
  ['Duration beyond int32', (p) => (p.Duration = 2 ** 31), '/Duration', 'maximum'],
  [
    'IsSMSNotificationsEnabled as "false"',
    (p) => (p.IsSMSNotificationsEnabled = 'false'),
    '/IsSMSNotificationsEnabled',
    'type',
  ],
  ['StaffMembers as an object', (p) => (p.StaffMembers = { Id: 'x' }), '/StaffMembers', 'type'],
  ['StartTime as a number', (p) => (p.StartTime = 1767711600000), '/StartTime', 'type'],
  [
    'customerEmail in camelCase',
    (p) => (p.customerEmail = 'a@b.example'),
    '/customerEmail',
    'additionalProperties',
  ],
  [
    'SelfServiceAppointmentID with a capital D',
    (p) => (p.SelfServiceAppointmentID = 'x'),
    '/SelfServiceAppointmentID',
    'additionalProperties',
  ],
  [
    'JoinWebUrl instead of JoinWebURL',
    (p) => (p.JoinWebUrl = 'https://x'),
    '/JoinWebUrl',
    'additionalProperties',
  ],
  [
    'QuestionId instead of QuestionID',
    (p) => ((p.CustomQuestionAnswers as Record<string, unknown>[])[0] = { QuestionId: 'q' }),
    '/CustomQuestionAnswers/0/QuestionId',
    'additionalProperties',
  ],
  [
    'SelectedOptions as option texts (the Graph form)',
    (p) => ((p.CustomQuestionAnswers as Record<string, unknown>[])[0] = { SelectedOptions: ['Audit'] }),
    '/CustomQuestionAnswers/0/SelectedOptions/0',
    'type',
  ],
  [
    'a phone number inside Customers (CustomerData has none)',
    (p) => (p.Customers = [{ Name: 'x', Phone: '+1 555' }]),
    '/Customers/0/Phone',
    'additionalProperties',
  ],
  [
    'unknown nesting under CustomerLocation',
    (p) => (p.CustomerLocation = { Address: { City: 'x' } }),
    '/CustomerLocation/Address',
    'additionalProperties',
  ],
  [
    'PhysicalAddress.City as a number',
    (p) =>
      ((p.CustomerLocation as { PhysicalAddress: Record<string, unknown> }).PhysicalAddress.City = 62701),
    '/CustomerLocation/PhysicalAddress/City',
    'type',
  ],
  ['the whole payload wrapped in an envelope', (p) => (p.body = { ...p }), '/body', 'additionalProperties'],
];

describe('mutated payloads are rejected with the JSON pointer of the problem', () => {
  it('the unmutated fixtures are valid', () => {
    expect(getSchemaRegistry().check(schemaId('appointment-data'), valid)).toEqual([]);
    expect(getSchemaRegistry().check(schemaId('appointment-data'), group)).toEqual([]);
  });

  it.each(mutations)('%s', (_name, mutate, pointer, keyword) => {
    const payload = structuredClone(valid);
    mutate(payload);
    const violations = getSchemaRegistry().check(schemaId('appointment-data'), payload);
    expect(violations).toContainEqual(expect.objectContaining({ pointer, keyword }));
    const violation = violations.find((candidate) => candidate.pointer === pointer);
    expect(violation?.expected.length).toBeGreaterThan(0);
    expect(violation?.found.length).toBeGreaterThan(0);
  });

  it('rejects a payload that is not an object at all', () => {
    for (const payload of [null, [], 'AppointmentData', 42]) {
      expect(getSchemaRegistry().check(schemaId('appointment-data'), payload)).toContainEqual(
        expect.objectContaining({ pointer: '', keyword: 'type' }),
      );
    }
  });

  it('the emulator profile also rejects what the emulator never sends: a group payload with CustomerName', () => {
    const payload = { ...structuredClone(group), CustomerName: 'Sam Lee' };
    expect(getSchemaRegistry().check(schemaId('appointment-data'), payload)).toEqual([]);
    expect(getSchemaRegistry().check(schemaId('appointment-data.emulator'), payload)).toContainEqual(
      expect.objectContaining({ pointer: '/CustomerName' }),
    );
  });
});
