import { fakeAppointmentData } from '../fakes/appointment-data.js';
import type { BookingKind } from '../fakes/bookings.js';

/** How a set of payloads uses one field (arrays written as []: Customers[].Email). */
interface FieldUsage {
  present: number;
  types: Set<string>;
  formats: Set<string>;
}

type Profile = Map<string, FieldUsage>;

export interface DriftFinding {
  kind: BookingKind;
  field: string;
  /** `difference`s make `drift` exit 1; `note`s are shown but do not fail. */
  severity: 'difference' | 'note';
  message: string;
}

export interface DriftReport {
  captured: Record<BookingKind, number>;
  findings: DriftFinding[];
}

const timeFields = new Set(['StartTime', 'EndTime']);

/** The shape of a date-time string, as far as it matters to a flow that parses it. */
export function timeFormat(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return 'not ISO 8601';
  const fraction = /:\d{2}\.(\d+)/.exec(value)?.[1];
  const zone = /(Z|[+-]\d{2}:?\d{2})$/.exec(value)?.[1];
  const fractionText = fraction === undefined ? 'no fraction' : `${fraction.length} fractional digits`;
  const zoneText = zone === undefined ? 'no zone' : zone === 'Z' ? 'Z' : 'offset';
  return `${fractionText}, ${zoneText}`;
}

/** The unit Duration is in, judged against EndTime - StartTime. */
function durationUnit(payload: Record<string, unknown>): string | undefined {
  const { Duration: duration, StartTime: start, EndTime: end } = payload;
  if (typeof duration !== 'number' || typeof start !== 'string' || typeof end !== 'string') return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  if (Number.isNaN(ms)) return undefined;
  if (duration === ms / 60_000) return 'minutes';
  if (duration === ms / 1000) return 'seconds';
  if (duration === ms) return 'milliseconds';
  return 'unknown unit';
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function record(profile: Profile, path: string, value: unknown, format?: string): void {
  const usage = profile.get(path) ?? { present: 0, types: new Set(), formats: new Set() };
  usage.present += 1;
  usage.types.add(typeOf(value));
  if (format) usage.formats.add(format);
  profile.set(path, usage);
}

function walk(profile: Profile, value: unknown, path: string, seen: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(profile, item, `${path}[]`, seen);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    const here = path === '' ? key : `${path}.${key}`;
    const format = typeof item === 'string' && timeFields.has(key) ? timeFormat(item) : undefined;
    // Count a field once per payload, however many array items carry it.
    if (!seen.has(here)) {
      seen.add(here);
      record(profile, here, item, format);
    } else {
      const usage = profile.get(here);
      usage?.types.add(typeOf(item));
      if (format) usage?.formats.add(format);
    }
    walk(profile, item, here, seen);
  }
}

function profileOf(payloads: readonly unknown[]): Profile {
  const profile: Profile = new Map();
  for (const payload of payloads) {
    walk(profile, payload, '', new Set());
    const unit =
      payload && typeof payload === 'object' ? durationUnit(payload as Record<string, unknown>) : undefined;
    if (unit) record(profile, 'Duration (unit)', unit, unit);
  }
  return profile;
}

/** 1:1 unless the payload says it is a group booking. */
export function bookingKind(payload: unknown): BookingKind {
  const data = (payload ?? {}) as Record<string, unknown>;
  if (typeof data.MaxAttendeesCount === 'number') return data.MaxAttendeesCount > 1 ? 'group' : 'one-to-one';
  return data.CustomerName === undefined && Array.isArray(data.Customers) && data.Customers.length > 0
    ? 'group'
    : 'one-to-one';
}

const list = (values: Set<string>) => [...values].sort().join(', ');

/**
 * Compares captured real payloads with what the emulator sends for the same kind of booking:
 * which fields are present, their JSON types, the format of times and the unit of Duration.
 */
export function compareWithEmulator(
  captured: readonly unknown[],
  options: { seed?: number; samples?: number } = {},
): DriftReport {
  const findings: DriftFinding[] = [];
  const counts: Record<BookingKind, number> = { 'one-to-one': 0, group: 0 };
  for (const kind of ['one-to-one', 'group'] as const) {
    const real = captured.filter((payload) => bookingKind(payload) === kind);
    counts[kind] = real.length;
    if (real.length === 0) continue;
    const generator = fakeAppointmentData({ seed: options.seed ?? 1, kind, withCancellations: true });
    const emulated = Array.from({ length: options.samples ?? 60 }, () => generator.next().value);
    const realProfile = profileOf(real);
    const emulatedProfile = profileOf(emulated);
    for (const [field, usage] of realProfile) {
      const ours = emulatedProfile.get(field);
      if (!ours) {
        findings.push({
          kind,
          field,
          severity: 'difference',
          message: `present in ${usage.present} of ${real.length} captured payloads; the emulator never sends it`,
        });
        continue;
      }
      if (list(usage.types) !== list(ours.types)) {
        findings.push({
          kind,
          field,
          severity: 'difference',
          message: `type ${list(usage.types)} in captured payloads, ${list(ours.types)} from the emulator`,
        });
      }
      const theirs = [...usage.formats].filter((format) => !ours.formats.has(format));
      if (theirs.length > 0) {
        findings.push({
          kind,
          field,
          severity: 'difference',
          message: `captured as ${theirs.join(' / ')}; the emulator sends ${list(ours.formats)}`,
        });
      }
    }
    for (const [field, usage] of emulatedProfile) {
      if (!realProfile.has(field)) {
        findings.push({
          kind,
          field,
          severity: 'note',
          message: `the emulator sends it (in ${usage.present} of ${emulated.length} samples); no captured payload has it`,
        });
      }
    }
  }
  return { captured: counts, findings };
}

export function formatDrift(report: DriftReport): string {
  const lines = [`captured: ${report.captured['one-to-one']} one-to-one, ${report.captured.group} group`];
  for (const finding of report.findings) {
    lines.push(
      `${finding.severity === 'difference' ? 'DIFF' : 'note'} [${finding.kind}] ${finding.field}: ${finding.message}`,
    );
  }
  const differences = report.findings.filter((finding) => finding.severity === 'difference').length;
  lines.push(
    differences === 0 ? 'no drift: the emulator matches the captured shapes' : `${differences} difference(s)`,
  );
  return `${lines.join('\n')}\n`;
}
