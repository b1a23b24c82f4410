import { describe, expect, it } from 'vitest';
import { fakeAppointmentData } from '../fakes/appointment-data.js';
import { bookingKind, compareWithEmulator, timeFormat } from './drift.js';

const emulated = (kind: 'one-to-one' | 'group', count: number) => {
  const generator = fakeAppointmentData({ seed: 7, kind });
  return Array.from({ length: count }, () => generator.next().value);
};

describe('drift', () => {
  it('finds no difference between the emulator and itself', () => {
    const report = compareWithEmulator([...emulated('one-to-one', 40), ...emulated('group', 40)], {
      samples: 200,
    });
    expect(report.findings.filter((finding) => finding.severity === 'difference')).toEqual([]);
    expect(report.captured).toEqual({ 'one-to-one': 40, group: 40 });
  });

  it('reports fields the emulator never sends, other types, other time formats and another Duration unit', () => {
    const real = emulated('one-to-one', 5).map((payload) => ({
      ...payload,
      TrackingData: 'campaign-7',
      FilledAttendeesCount: String(payload.FilledAttendeesCount),
      StartTime: payload.StartTime?.replace('.0000000Z', 'Z'),
      Duration: (payload.Duration ?? 0) * 60,
    }));
    const findings = compareWithEmulator(real).findings.filter(
      (finding) => finding.severity === 'difference',
    );
    const byField = Object.fromEntries(findings.map((finding) => [finding.field, finding.message]));
    expect(byField.TrackingData).toMatch(/never sends it/);
    expect(byField.FilledAttendeesCount).toMatch(
      /type string in captured payloads, integer from the emulator/,
    );
    expect(byField.StartTime).toMatch(/no fraction, Z.*7 fractional digits, Z/);
    expect(byField['Duration (unit)']).toMatch(/seconds.*minutes/);
  });

  it('classifies bookings and time formats', () => {
    expect(bookingKind({ MaxAttendeesCount: 1 })).toBe('one-to-one');
    expect(bookingKind({ MaxAttendeesCount: 8 })).toBe('group');
    expect(bookingKind({ Customers: [{ Name: 'x' }] })).toBe('group');
    expect(bookingKind({ CustomerName: 'x', Customers: [{ Name: 'x' }] })).toBe('one-to-one');
    expect(timeFormat('2026-01-06T09:00:00.0000000Z')).toBe('7 fractional digits, Z');
    expect(timeFormat('2026-01-06T09:00:00+01:00')).toBe('no fraction, offset');
    expect(timeFormat('1/6/2026 9:00 AM')).toBe('not ISO 8601');
  });
});
