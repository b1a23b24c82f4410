import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { policyDefaults } from '../domain/policies.js';
import { fakeAppointmentData } from '../fakes/appointment-data.js';
import type { Policies } from '../generated/schema-types.js';
import {
  bookingKind,
  type CapturedPayload,
  compareWithEmulator,
  durationUnit,
  idForm,
  isPartialCaptureFile,
  joinUrlForm,
  parseTriggerTime,
  timeForm,
} from './drift.js';

const emulated = (kind: 'one-to-one' | 'group', count: number, policies: Policies = {}) => {
  const generator = fakeAppointmentData({ seed: 7, kind, policies: { ...policyDefaults, ...policies } });
  return Array.from({ length: count }, () => generator.next().value);
};
const complete = (payloads: readonly unknown[]): CapturedPayload[] =>
  payloads.map((payload) => ({ payload }));

const realRunFile = 'real-run-2026-06-created.partial.json';
const realRun: CapturedPayload = {
  payload: JSON.parse(readFileSync(join(packageRoot, 'fixtures', 'captured', realRunFile), 'utf8')),
  partial: isPartialCaptureFile(realRunFile),
};

const differences = (captured: readonly CapturedPayload[], policies?: Policies) =>
  compareWithEmulator(captured, { policies }).findings.filter((finding) => finding.severity === 'difference');
const fieldsOf = (findings: ReturnType<typeof differences>) =>
  findings.map((finding) => finding.field).sort();

describe('drift', () => {
  it('finds no difference between the emulator and itself', () => {
    const report = compareWithEmulator(complete([...emulated('one-to-one', 40), ...emulated('group', 40)]), {
      samples: 200,
    });
    expect(report.findings.filter((finding) => finding.severity === 'difference')).toEqual([]);
    expect(report.captured).toEqual({ 'one-to-one': 40, group: 40 });
    expect(report.partial).toEqual({ 'one-to-one': 0, group: 0 });
  });

  it('finds no difference between the emulator and itself under other policies, when told them', () => {
    const policies: Policies = { 'time-format': 'iso', 'duration-unit': 'minutes', 'join-url-suffix': 'off' };
    const captured = complete(emulated('one-to-one', 30, policies));
    expect(differences(captured, policies)).toEqual([]);
    expect(fieldsOf(differences(captured))).toEqual(['Duration', 'EndTime', 'JoinWebURL', 'StartTime']);
  });

  it('reports fields the emulator never sends, other types, other time forms and another Duration unit', () => {
    const real = emulated('one-to-one', 5).map((payload) => ({
      ...payload,
      // A field the real service might add one day.
      BookingPageUrl: 'https://outlook.office.com/book/Lunch@contoso.example/',
      FilledAttendeesCount: String(payload.FilledAttendeesCount),
      StartTime: '2026-01-06T15:00:00Z',
      EndTime: '2026-01-06T15:30:00Z',
      Duration: 30,
    }));
    const byField = Object.fromEntries(
      differences(complete(real)).map((finding) => [finding.field, finding.message]),
    );
    expect(byField.BookingPageUrl).toMatch(/never sends it/);
    expect(byField.FilledAttendeesCount).toMatch(
      /type string in captured payloads, integer from the emulator/,
    );
    expect(byField.StartTime).toBe(
      'captured as other (ISO 8601, no fraction, Z); the emulator sends invariant',
    );
    expect(byField.Duration).toBe(
      'captured as minutes; the emulator sends seconds (try --policy duration-unit=minutes)',
    );
  });

  it('reports the forms of JoinWebURL and of the ids the emulator makes, naming the policy', () => {
    const real = emulated('one-to-one', 5).map((payload) => ({
      ...payload,
      JoinWebURL: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0',
      SelfServiceAppointmentId: '00000000-0000-0000-0000-000000000000',
      Id: 'AAMkAGI2TG93AAA=',
    }));
    const byField = Object.fromEntries(
      differences(complete(real)).map((finding) => [finding.field, finding.message]),
    );
    expect(byField.JoinWebURL).toBe(
      'captured as no webjoin suffix; the emulator sends webjoin suffix (try --policy join-url-suffix=off)',
    );
    expect(byField.SelfServiceAppointmentId).toMatch(
      /^captured as zero GUID;.*--policy self-service-id=zero/,
    );
    expect(byField.Id).toBe('captured as other; the emulator sends GUID');
    expect(differences(complete(real), { 'join-url-suffix': 'off', 'self-service-id': 'zero' })).toEqual([
      expect.objectContaining({ field: 'Id' }),
    ]);
  });

  describe('the real run of 2026-06 (a partial capture)', () => {
    it('matches the emulator under the default policies', () => {
      const report = compareWithEmulator([realRun]);
      expect(report.findings).toEqual([]);
      expect(report.partial['one-to-one']).toBe(1);
    });

    it('reports Duration when the emulator sends minutes', () => {
      const found = differences([realRun], { 'duration-unit': 'minutes' });
      expect(fieldsOf(found)).toEqual(['Duration']);
      expect(found[0]?.message).toMatch(/captured as seconds; the emulator sends minutes/);
    });

    it('reports StartTime and EndTime when the emulator sends Exchange-style times', () => {
      const found = differences([realRun], { 'time-format': 'exchange' });
      expect(fieldsOf(found)).toEqual(['EndTime', 'StartTime']);
      expect(found[0]?.message).toMatch(/captured as invariant; the emulator sends exchange/);
    });

    it('reports the webjoin suffix and the customer notes when policies drop them', () => {
      expect(fieldsOf(differences([realRun], { 'join-url-suffix': 'off' }))).toEqual(['JoinWebURL']);
      expect(fieldsOf(differences([realRun], { 'customer-notes-missing-1on1': 'on' }))).toEqual([
        'CustomerNotes',
      ]);
    });

    it('is not reported for what it lacks; the same payload marked complete is', () => {
      const asComplete = compareWithEmulator([{ payload: realRun.payload }]).findings;
      expect(asComplete.map((finding) => finding.field)).toContain('Id');
      expect(asComplete.every((finding) => finding.severity === 'note')).toBe(true);
    });
  });

  it('reads every time form as UTC, and judges Duration against it', () => {
    const instant = Date.UTC(2026, 5, 24, 16, 30);
    for (const text of [
      '06/24/2026 16:30:00',
      '6/24/2026 4:30:00 PM',
      '2026-06-24T16:30:00.0000000Z',
      '2026-06-24T16:30:00.000Z',
      '2026-06-24T16:30:00Z',
      '2026-06-24T16:30:00',
      '2026-06-24T10:30:00-06:00',
    ]) {
      expect(parseTriggerTime(text), text).toBe(instant);
    }
    expect(parseTriggerTime('13/24/2026 16:30:00')).toBeUndefined();
    expect(parseTriggerTime('02/30/2026 16:30:00')).toBeUndefined();
    const times = { StartTime: '06/24/2026 16:30:00', EndTime: '06/24/2026 17:10:00' };
    expect(durationUnit({ ...times, Duration: 2400 })).toBe('seconds');
    expect(durationUnit({ ...times, Duration: 40 })).toBe('minutes');
    expect(durationUnit({ ...times, Duration: 30 })).toBe('unknown unit');
    expect(durationUnit({ ...times, Duration: '2400' })).toBeUndefined();
  });

  it('classifies bookings, time forms, join URLs, ids and partial capture files', () => {
    expect(bookingKind({ MaxAttendeesCount: 1 })).toBe('one-to-one');
    expect(bookingKind({ MaxAttendeesCount: 8 })).toBe('group');
    expect(bookingKind({ Customers: [{ Name: 'x' }] })).toBe('group');
    expect(bookingKind({ CustomerName: 'x', Customers: [{ Name: 'x' }] })).toBe('one-to-one');
    expect(timeForm('06/24/2026 16:30:00')).toBe('invariant');
    expect(timeForm('2026-06-24T16:30:00.0000000Z')).toBe('exchange');
    expect(timeForm('2026-06-24T16:30:00.000Z')).toBe('iso');
    expect(timeForm('2026-06-24T16:30:00+01:00')).toBe('other (ISO 8601, no fraction, offset)');
    expect(timeForm('6/24/2026 4:30 PM')).toBe('other (month/day/year, not MM/dd/yyyy HH:mm:ss)');
    expect(timeForm('tomorrow')).toBe('other (not a date-time)');
    expect(joinUrlForm('https://x/0?context=%7b%7d&webjoin=true&unified=true')).toBe('webjoin suffix');
    expect(joinUrlForm('https://x/0?webjoin=true&unified=true')).toBe('webjoin suffix');
    expect(joinUrlForm('https://x/0?context=%7b%7d')).toBe('no webjoin suffix');
    expect(idForm('6b1f0e2a-4c3d-4e8f-9a7b-2c5d8e1f3a40')).toBe('GUID');
    expect(idForm('00000000-0000-0000-0000-000000000000')).toBe('zero GUID');
    expect(idForm('AAMkAGI2TG93AAA=')).toBe('other');
    expect(isPartialCaptureFile('fixtures/captured/x.partial.json')).toBe(true);
    expect(isPartialCaptureFile('fixtures/captured/x.json')).toBe(false);
  });
});
