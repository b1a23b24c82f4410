import { zeroGuid } from '../domain/appointments.js';
import { parseGraphDateTime } from '../domain/graph-time.js';
import { policyDefaults } from '../domain/policies.js';
import { fakeAppointmentData } from '../fakes/appointment-data.js';
import type { BookingKind } from '../fakes/bookings.js';
import type { Policies, PolicyName } from '../generated/schema-types.js';

/** How a set of payloads uses one field (arrays written as []: Customers[].Email). */
interface FieldUsage {
  present: number;
  types: Set<string>;
  /** Value forms: the text form of a time, the unit of Duration, the kind of an id or join URL. */
  forms: Set<string>;
}

type Profile = Map<string, FieldUsage>;

/** One captured payload; a partial one holds only some of the fields the flow received. */
export interface CapturedPayload {
  payload: unknown;
  partial?: boolean;
}

/** Files named so hold partial captures: a field they lack says nothing about the real service. */
const partialCaptureSuffix = '.partial.json';

export function isPartialCaptureFile(file: string): boolean {
  return file.toLowerCase().endsWith(partialCaptureSuffix);
}

interface DriftFinding {
  kind: BookingKind;
  field: string;
  /** `difference`s make `drift` exit 1; `note`s are shown but do not fail. */
  severity: 'difference' | 'note';
  message: string;
}

export interface DriftReport {
  captured: Record<BookingKind, number>;
  /** How many of `captured` are partial. */
  partial: Record<BookingKind, number>;
  /** The policies the emulated side ran under, where they differ from the defaults. */
  policies: Policies;
  findings: DriftFinding[];
}

// --- value forms ---

const invariantTime = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/;
const slashedTime = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?$/;
const exchangeTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** month/day/year as .NET's invariant (MM/dd/yyyy HH:mm:ss) and en-US (M/d/yyyy h:mm:ss tt) cultures write it, read as UTC. */
function parseSlashedTime(value: string): number | undefined {
  const match = slashedTime.exec(value);
  if (!match) return undefined;
  const [, month, day, year, hour, minute, second = '0', meridiem] = match;
  const hour12 = Number(hour) % 12;
  const hours =
    meridiem === undefined ? Number(hour) : meridiem.toUpperCase() === 'PM' ? hour12 + 12 : hour12;
  if (hours > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const epochMs = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    hours,
    Number(minute),
    Number(second),
  );
  const date = new Date(epochMs);
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day) ? epochMs : undefined;
}

/**
 * StartTime or EndTime as an instant, whatever its form: invariant, en-US, or ISO 8601 with any
 * fraction and zone. The trigger's times are UTC, so a time without a zone is read as UTC
 * (Date.parse would read the slashed forms, if at all, in the local zone).
 */
export function parseTriggerTime(value: string): number | undefined {
  const slashed = parseSlashedTime(value);
  if (slashed !== undefined) return slashed;
  const iso = parseGraphDateTime({ dateTime: value, timeZone: 'UTC' });
  return iso.ok ? iso.epochMs : undefined;
}

function describeIsoTime(value: string): string {
  const fraction = /:\d{2}\.(\d+)/.exec(value)?.[1];
  const zone = /(Z|[+-]\d{2}:?\d{2})$/.exec(value)?.[1];
  const fractionText = fraction === undefined ? 'no fraction' : `${fraction.length} fractional digits`;
  const zoneText = zone === undefined ? 'no zone' : zone === 'Z' ? 'Z' : 'offset';
  return `ISO 8601, ${fractionText}, ${zoneText}`;
}

/**
 * The text form of a time, named as the values of the policy time-format (invariant, exchange,
 * iso) where it is one of them; `other (...)` says what else it is.
 */
export function timeForm(value: string): string {
  if (parseTriggerTime(value) === undefined) return 'other (not a date-time)';
  if (invariantTime.test(value)) return 'invariant';
  if (exchangeTime.test(value)) return 'exchange';
  if (isoTime.test(value)) return 'iso';
  if (slashedTime.test(value)) return 'other (month/day/year, not MM/dd/yyyy HH:mm:ss)';
  return `other (${describeIsoTime(value)})`;
}

const durationUnits: Array<[unit: string, msPerUnit: number]> = [
  ['seconds', 1000],
  ['minutes', 60_000],
  ['milliseconds', 1],
];

/** The unit of Duration, judged against EndTime - StartTime; undefined when they cannot say. */
export function durationUnit(payload: Record<string, unknown>): string | undefined {
  const { Duration: duration, StartTime: start, EndTime: end } = payload;
  if (typeof duration !== 'number' || typeof start !== 'string' || typeof end !== 'string') return undefined;
  const startMs = parseTriggerTime(start);
  const endMs = parseTriggerTime(end);
  if (startMs === undefined || endMs === undefined) return undefined;
  const ms = endMs - startMs;
  if (ms === 0 && duration === 0) return undefined;
  // Within one unit: minutes are rounded, and the times themselves carry whole seconds.
  const match = durationUnits.find(([, msPerUnit]) => Math.abs(duration - ms / msPerUnit) < 1);
  return match ? match[0] : 'unknown unit';
}

const webjoinSuffix = /[?&]webjoin=true&unified=true$/;

export function joinUrlForm(value: string): string {
  if (value === '') return 'empty';
  return webjoinSuffix.test(value) ? 'webjoin suffix' : 'no webjoin suffix';
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function idForm(value: string): string {
  if (value === '') return 'empty';
  if (value === zeroGuid) return 'zero GUID';
  return guid.test(value) ? 'GUID' : 'other';
}

const timeFields = new Set(['StartTime', 'EndTime']);
/**
 * Ids the emulator makes itself. The others (ServiceId, CustomerId, StaffMembers[].Id, QuestionID)
 * are copied from the seed, so their form is the fake seed's, not the emulator's behaviour.
 */
const mintedIdFields = new Set(['Id', 'SelfServiceAppointmentId']);

/** `path` is the field's place in the payload (StaffMembers[].Id), so only top-level fields match. */
function valueForm(path: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (timeFields.has(path)) return timeForm(value);
  if (path === 'JoinWebURL') return joinUrlForm(value);
  if (mintedIdFields.has(path)) return idForm(value);
  return undefined;
}

/** Where a captured form is a value of a policy, the flag that makes the emulator send it. */
const formPolicies: Record<string, { policy: PolicyName; values: Record<string, string> }> = {
  StartTime: { policy: 'time-format', values: { invariant: 'invariant', exchange: 'exchange', iso: 'iso' } },
  EndTime: { policy: 'time-format', values: { invariant: 'invariant', exchange: 'exchange', iso: 'iso' } },
  Duration: { policy: 'duration-unit', values: { seconds: 'seconds', minutes: 'minutes' } },
  JoinWebURL: { policy: 'join-url-suffix', values: { 'webjoin suffix': 'on', 'no webjoin suffix': 'off' } },
  SelfServiceAppointmentId: { policy: 'self-service-id', values: { 'zero GUID': 'zero' } },
};

function policyHint(field: string, forms: readonly string[]): string {
  const mapping = formPolicies[field];
  const value = forms.map((form) => mapping?.values[form]).find((candidate) => candidate !== undefined);
  return mapping && value ? ` (try --policy ${mapping.policy}=${value})` : '';
}

// --- profiles ---

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function usageOf(profile: Profile, path: string): FieldUsage {
  const usage = profile.get(path) ?? { present: 0, types: new Set<string>(), forms: new Set<string>() };
  profile.set(path, usage);
  return usage;
}

function walk(profile: Profile, value: unknown, path: string, seen: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(profile, item, `${path}[]`, seen);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    const here = path === '' ? key : `${path}.${key}`;
    const usage = usageOf(profile, here);
    // Count a field once per payload, however many array items carry it.
    if (!seen.has(here)) {
      seen.add(here);
      usage.present += 1;
    }
    usage.types.add(typeOf(item));
    const form = valueForm(here, item);
    if (form) usage.forms.add(form);
    walk(profile, item, here, seen);
  }
}

function profileOf(payloads: readonly unknown[]): Profile {
  const profile: Profile = new Map();
  for (const payload of payloads) {
    walk(profile, payload, '', new Set());
    const unit =
      payload && typeof payload === 'object' ? durationUnit(payload as Record<string, unknown>) : undefined;
    if (unit) usageOf(profile, 'Duration').forms.add(unit);
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

const list = (values: Iterable<string>) => [...values].sort().join(', ');
const missingFrom = (values: Set<string>, from: Set<string>) =>
  [...values].filter((value) => !from.has(value)).sort();

// --- comparison ---

/** What one field of the captured payloads has that the emulator never sends. */
function compareField(
  field: string,
  theirs: FieldUsage,
  ours: FieldUsage | undefined,
  capturedCount: number,
) {
  const found: Array<Omit<DriftFinding, 'kind'>> = [];
  if (!ours) {
    found.push({
      field,
      severity: 'difference',
      message: `present in ${theirs.present} of ${capturedCount} captured payloads; the emulator never sends it`,
    });
    return found;
  }
  const types = missingFrom(theirs.types, ours.types);
  if (types.length > 0) {
    found.push({
      field,
      severity: 'difference',
      message: `type ${list(theirs.types)} in captured payloads, ${list(ours.types)} from the emulator`,
    });
  }
  const forms = missingFrom(theirs.forms, ours.forms);
  if (forms.length > 0) {
    found.push({
      field,
      severity: 'difference',
      message: `captured as ${forms.join(' / ')}; the emulator sends ${list(ours.forms) || 'no such form'}${policyHint(field, forms)}`,
    });
  }
  return found;
}

/** Fields the emulator sends that no capture has; a partial capture lacking one proves nothing. */
function unseenFields(emulated: Profile, samples: number, real: Profile, complete: number) {
  if (complete === 0) return [];
  return [...emulated]
    .filter(([field]) => !real.has(field))
    .map(([field, usage]) => ({
      field,
      severity: 'note' as const,
      message: `the emulator sends it (in ${usage.present} of ${samples} samples); none of the ${complete} complete captured payloads has it`,
    }));
}

/** Only the settings that differ from the defaults. */
function changedPolicies(policies: Policies): Policies {
  return Object.fromEntries(
    Object.entries(policies).filter(([name, value]) => policyDefaults[name as PolicyName] !== value),
  );
}

/**
 * Compares captured real payloads with what the emulator sends for the same kind of booking under
 * `policies`: which fields are present, their JSON types and their value forms (time text form,
 * Duration unit, join URL suffix, id form). Only what a capture has is compared; a field missing
 * from a partial capture is never a finding.
 */
export function compareWithEmulator(
  captured: readonly CapturedPayload[],
  options: { seed?: number; samples?: number; policies?: Policies } = {},
): DriftReport {
  const policies = { ...policyDefaults, ...options.policies };
  const report: DriftReport = {
    captured: { 'one-to-one': 0, group: 0 },
    partial: { 'one-to-one': 0, group: 0 },
    policies: changedPolicies(policies),
    findings: [],
  };
  for (const kind of ['one-to-one', 'group'] as const) {
    const real = captured.filter((capture) => bookingKind(capture.payload) === kind);
    const complete = real.filter((capture) => !capture.partial);
    report.captured[kind] = real.length;
    report.partial[kind] = real.length - complete.length;
    if (real.length === 0) continue;
    const generator = fakeAppointmentData({
      seed: options.seed ?? 1,
      kind,
      withCancellations: true,
      policies,
    });
    const emulated = Array.from({ length: options.samples ?? 60 }, () => generator.next().value);
    const realProfile = profileOf(real.map((capture) => capture.payload));
    const emulatedProfile = profileOf(emulated);
    const found = [
      ...[...realProfile].flatMap(([field, usage]) =>
        compareField(field, usage, emulatedProfile.get(field), real.length),
      ),
      ...unseenFields(emulatedProfile, emulated.length, realProfile, complete.length),
    ];
    report.findings.push(...found.map((finding) => ({ kind, ...finding })));
  }
  return report;
}

function describePolicies(policies: Policies): string {
  const changed = Object.entries(policies).map(([name, value]) => `${name}=${value}`);
  return changed.length === 0 ? 'the default policies' : changed.join(', ');
}

export function formatDrift(report: DriftReport): string {
  const count = (kind: BookingKind) =>
    `${report.captured[kind]} ${kind}${report.partial[kind] > 0 ? ` (${report.partial[kind]} partial)` : ''}`;
  const lines = [
    `captured: ${count('one-to-one')}, ${count('group')}`,
    `emulated with ${describePolicies(report.policies)}`,
  ];
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
