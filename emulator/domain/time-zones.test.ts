import { describe, expect, it } from 'vitest';
import { EmulatorError, errors } from '../core/errors.js';
import { formatWallTime, graphInstant, parseGraphDateTime } from './graph-time.js';
import { documentedIanaZones, namesOfDocumentedEntry } from './iana-zones-documented.js';
import { isWindowsTimeZone, timeZonesFor } from './time-zones.js';

const anyZone = timeZonesFor('windows-and-iana');
const documented = timeZonesFor('documented');

const utcOf = (dateTime: string, timeZone: string, zones = anyZone) => {
  const parsed = parseGraphDateTime({ dateTime, timeZone }, zones);
  if (!parsed.ok) throw new Error(parsed.problem);
  return new Date(parsed.epochMs).toISOString();
};

describe('time zone names', () => {
  it('reads Windows names in any case, as the IANA zone they stand for', () => {
    for (const name of ['Pacific Standard Time', 'pacific standard time', 'PACIFIC STANDARD TIME']) {
      expect(anyZone.resolve(name)).toBe('America/Los_Angeles');
      expect(documented.resolve(name)).toBe('America/Los_Angeles');
    }
    expect(isWindowsTimeZone('romance standard time')).toBe(true);
    expect(isWindowsTimeZone('Europe/Paris')).toBe(false);
  });

  it('gives every Windows name a zone Intl takes, even where the first IANA alias is a legacy one', () => {
    const india = anyZone.resolve('India Standard Time');
    expect(india).toBeDefined();
    expect(() => new Intl.DateTimeFormat('en-US', { timeZone: india })).not.toThrow();
    expect(utcOf('2026-01-06T10:30:00', 'India Standard Time')).toBe('2026-01-06T05:00:00.000Z');
  });

  it('reads the UTC names as UTC under both policies', () => {
    for (const name of ['UTC', 'utc', 'Etc/UTC', 'GMT', 'Z', 'Coordinated Universal Time']) {
      expect(anyZone.resolve(name)).toBe('UTC');
      expect(documented.resolve(name)).toBe('UTC');
    }
  });

  it('takes every IANA name Intl knows under windows-and-iana, only the documented ones under documented', () => {
    expect(anyZone.resolve('America/Boise')).toBe('America/Boise');
    expect(documented.resolve('America/Boise')).toBeUndefined();
    expect(anyZone.resolve('Europe/Paris')).toBe('Europe/Paris');
    expect(documented.resolve('Europe/Paris')).toBe('Europe/Paris');
  });

  it("takes each of the 99 documented entries, either name of a bracketed one, though two aren't IANA names", () => {
    expect(documentedIanaZones).toHaveLength(99);
    for (const entry of documentedIanaZones) {
      for (const name of namesOfDocumentedEntry(entry)) expect(documented.resolve(name), name).toBeDefined();
    }
    expect(namesOfDocumentedEntry('Asia/Toshkent (Tashkent)')).toStrictEqual([
      'Asia/Toshkent',
      'Asia/Tashkent',
    ]);
    expect(documented.resolve('Asia/Toshkent')).toBe('Asia/Tashkent');
    expect(anyZone.resolve('Asia/Toshkent')).toBeUndefined();
  });

  it('refuses unknown names and offsets, under both policies', () => {
    for (const name of ['Mars Standard Time', 'Mars/Olympus_Mons', '+05:00', 'Greenwich Mean Time']) {
      expect(anyZone.resolve(name), name).toBeUndefined();
      expect(documented.resolve(name), name).toBeUndefined();
    }
  });
});

describe('parseGraphDateTime with time zones', () => {
  it('follows daylight saving time in a Windows zone', () => {
    // US daylight saving time starts on 2026-03-08 at 02:00.
    expect(utcOf('2026-03-07T10:00:00', 'Pacific Standard Time')).toBe('2026-03-07T18:00:00.000Z');
    expect(utcOf('2026-03-08T10:00:00', 'Pacific Standard Time')).toBe('2026-03-08T17:00:00.000Z');
    expect(utcOf('2026-03-08T10:00:00', 'America/Los_Angeles')).toBe('2026-03-08T17:00:00.000Z');
  });

  it('says which zone it does not take, apart from a malformed date', () => {
    expect(
      parseGraphDateTime({ dateTime: '2026-01-06T09:00:00', timeZone: 'Mars Standard Time' }),
    ).toMatchObject({
      ok: false,
      kind: 'timeZone',
      timeZone: 'Mars Standard Time',
    });
    expect(parseGraphDateTime({ dateTime: '2026-02-30T09:00:00', timeZone: 'UTC' })).toMatchObject({
      ok: false,
      kind: 'invalid',
    });
    expect(
      parseGraphDateTime({ dateTime: '2026-01-06T09:00:00', timeZone: 'America/Boise' }, documented),
    ).toMatchObject({ ok: false, kind: 'timeZone' });
  });

  it('lets an offset in the dateTime win over its timeZone', () => {
    expect(utcOf('2026-01-06T09:00:00+01:00', 'Mars Standard Time')).toBe('2026-01-06T08:00:00.000Z');
  });

  it('graphInstant throws TimeZoneNotSupported at the timeZone, and the caller’s error otherwise', () => {
    const invalid = errors.invalidGraphRequest;
    let caught: unknown;
    try {
      graphInstant(
        { dateTime: '2026-01-06T09:00:00', timeZone: 'Mars Standard Time' },
        '/startDateTime',
        anyZone,
        invalid,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EmulatorError);
    expect((caught as EmulatorError).code).toBe('TimeZoneNotSupported');
    expect((caught as EmulatorError).target).toBe('/startDateTime/timeZone');
    expect((caught as EmulatorError).message).toContain(
      "A valid TimeZone value must be specified. The following TimeZone value is not supported: 'Mars Standard Time'.",
    );
    expect(() => graphInstant({ dateTime: 'soon' }, '/endDateTime', anyZone, invalid)).toThrow(/ISO 8601/);
  });

  it('writes an instant as a wall time in a zone', () => {
    expect(formatWallTime(Date.parse('2026-03-08T17:00:00Z'), 'America/Los_Angeles')).toBe(
      '2026-03-08T10:00:00',
    );
    expect(formatWallTime(Date.parse('2026-03-07T18:00:00Z'), 'America/Los_Angeles')).toBe(
      '2026-03-07T10:00:00',
    );
    expect(formatWallTime(Date.parse('2026-01-06T08:00:00Z'), 'UTC')).toBe('2026-01-06T08:00:00');
  });
});
