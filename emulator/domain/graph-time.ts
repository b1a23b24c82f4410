import { type EmulatorError, errors } from '../core/errors.js';
import type { DateTimeTimeZone } from '../generated/schema-types.js';
import { anyTimeZone, type TimeZones } from './time-zones.js';

const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

export type ParsedTime =
  | { ok: true; epochMs: number }
  /** The dateTime is not a date and time. */
  | { ok: false; kind: 'invalid'; problem: string }
  /** The timeZone is not one Graph takes (TimeZoneNotSupported). */
  | { ok: false; kind: 'timeZone'; timeZone: string; problem: string };

/** The instant a wall time (as if it were UTC) shows in `timeZone`, an IANA zone. */
export function wallTimeToEpoch(wallMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return wallMs;
  // Two passes settle the offset for wall times near a daylight-saving change.
  const first = wallMs - zoneOffsetMs(wallMs, timeZone);
  return wallMs - zoneOffsetMs(first, timeZone);
}

/** The wall time (as if it were UTC) an instant shows in `timeZone`, an IANA zone. */
export function epochToWallTime(epochMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return epochMs;
  return epochMs + zoneOffsetMs(epochMs, timeZone);
}

/**
 * Graph's dateTimeTimeZone to an instant. A dateTime with an offset stands on its own; without one
 * it is read in timeZone (UTC when absent), one of the names `zones` takes (Windows or IANA).
 */
export function parseGraphDateTime(value: DateTimeTimeZone, zones: TimeZones = anyTimeZone): ParsedTime {
  const match = dateTimePattern.exec(value.dateTime);
  if (!match)
    return {
      ok: false,
      kind: 'invalid',
      problem: `"${value.dateTime}" is not an ISO 8601 date-time such as 2026-01-06T09:00:00`,
    };
  const [, y, mo, d, h, mi, s = '0', fraction = '', offset] = match;
  const millis = Math.floor(Number(`0${fraction || '.0'}`) * 1000);
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  const check = new Date(wall);
  if (
    Number.isNaN(wall) ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    Number(h) > 23
  ) {
    return {
      ok: false,
      kind: 'invalid',
      problem: `"${value.dateTime}" is not a real calendar date and time`,
    };
  }
  if (offset) {
    if (offset === 'Z') return { ok: true, epochMs: wall };
    const sign = offset.startsWith('-') ? -1 : 1;
    const [oh, om] = offset.slice(1).split(':').map(Number);
    return { ok: true, epochMs: wall - sign * ((oh ?? 0) * 60 + (om ?? 0)) * 60_000 };
  }
  const name = value.timeZone?.trim();
  if (!name) return { ok: true, epochMs: wall };
  const zone = zones.resolve(name);
  if (!zone) {
    return {
      ok: false,
      kind: 'timeZone',
      timeZone: name,
      problem: `time zone "${name}" is not supported; use ${zones.allowed}`,
    };
  }
  return { ok: true, epochMs: wallTimeToEpoch(wall, zone) };
}

/**
 * The instant of a dateTimeTimeZone at `pointer` (a JSON pointer such as /startDateTime), or the
 * error Graph answers: TimeZoneNotSupported for a zone it does not take, else `invalid`'s error.
 */
export function graphInstant(
  value: DateTimeTimeZone,
  pointer: string,
  zones: TimeZones,
  invalid: (pointer: string, problem: string) => EmulatorError,
): number {
  const parsed = parseGraphDateTime(value, zones);
  if (parsed.ok) return parsed.epochMs;
  if (parsed.kind === 'timeZone')
    throw errors.timeZoneNotSupported(parsed.timeZone, `${pointer}/timeZone`, zones.allowed);
  throw invalid(pointer, parsed.problem);
}

/** A wall time in Graph's unzoned form (2026-01-06T08:00:00), as getStaffAvailability writes it. */
export function formatWallTime(epochMs: number, timeZone: string): string {
  return new Date(epochToWallTime(epochMs, timeZone)).toISOString().slice(0, 19);
}

/** The stored form: UTC, as Graph returns it (source [E]). */
export function toGraphUtc(epochMs: number): DateTimeTimeZone {
  return { dateTime: new Date(epochMs).toISOString().replace('Z', '0000Z'), timeZone: 'UTC' };
}

/** Whole minutes as an ISO 8601 duration (PT30M, PT1H30M). */
export function minutesToIsoDuration(totalMinutes: number): string {
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (totalMinutes === 0) return 'PT0S';
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}`;
}

const isoDurationPattern = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** An ISO 8601 duration of days, hours, minutes and seconds (PT10M, P1DT2H) in milliseconds; 0 when absent. */
export function isoDurationToMs(duration: string | undefined): number {
  const match = duration === undefined ? undefined : isoDurationPattern.exec(duration);
  if (!match) return 0;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return Math.round(
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000,
  );
}
