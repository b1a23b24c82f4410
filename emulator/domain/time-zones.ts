import { createRequire } from 'node:module';
import type * as WindowsIana from 'windows-iana';
import type { Policies } from '../generated/schema-types.js';
import { documentedIanaZones, namesOfDocumentedEntry } from './iana-zones-documented.js';

export type TimeZonePolicy = Required<Policies>['graph-time-zones'];

/** The time zone names Graph takes under one policy, and how to read them. */
export interface TimeZones {
  /** The IANA zone a name stands for ('UTC' for the UTC names); undefined when Graph would refuse it. */
  resolve(name: string): string | undefined;
  /** What to send instead of a refused name, for the error message. */
  readonly allowed: string;
}

/** Names read as UTC under every policy, compared without regard to case. */
const utcNames = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'z', 'coordinated universal time']);

/** The zone as Intl spells it, when Intl knows it. Offsets such as +05:00 are not zone names. */
function intlZone(name: string): string | undefined {
  if (!/^[A-Za-z]/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

let windowsZones: Map<string, string> | undefined;

/**
 * Windows zone names (lower-cased) to an IANA zone Intl knows. findIana's first answer is not
 * always one (India Standard Time gives Asia/Calcutta before Asia/Kolkata), so the territory-001
 * zone, CLDR's main one, is tried first and then every alias until Intl takes one.
 */
function windowsZoneMap(): Map<string, string> {
  if (windowsZones) return windowsZones;
  // windows-iana's data is a tenth of start-up; only a request naming a zone other than UTC needs it.
  const { findIana, WINDOWS_TO_IANA_MAP } = createRequire(import.meta.url)(
    'windows-iana',
  ) as typeof WindowsIana;
  windowsZones = new Map();
  for (const windowsName of new Set(WINDOWS_TO_IANA_MAP.map((entry) => entry.windowsName))) {
    const main = WINDOWS_TO_IANA_MAP.filter(
      (entry) => entry.windowsName === windowsName && entry.territory === '001',
    ).flatMap((entry) => entry.iana);
    for (const candidate of [...main, ...findIana(windowsName)]) {
      const zone = intlZone(candidate);
      if (zone) {
        windowsZones.set(windowsName.toLowerCase(), zone);
        break;
      }
    }
  }
  return windowsZones;
}

let documentedZones: Map<string, string> | undefined;

/** The documented IANA names (lower-cased, both names of a bracketed entry) to the zone Intl knows. */
function documentedZoneMap(): Map<string, string> {
  if (documentedZones) return documentedZones;
  documentedZones = new Map();
  for (const entry of documentedIanaZones) {
    const names = namesOfDocumentedEntry(entry);
    const zone = names.map(intlZone).find((known) => known !== undefined);
    if (!zone) continue;
    for (const name of names) documentedZones.set(name.toLowerCase(), zone);
  }
  return documentedZones;
}

/** Whether `name` is a Windows time zone name (Pacific Standard Time), in any case. */
export function isWindowsTimeZone(name: string): boolean {
  return windowsZoneMap().has(name.trim().toLowerCase());
}

const descriptions: Record<TimeZonePolicy, string> = {
  'windows-and-iana':
    'UTC, a Windows time zone name such as Pacific Standard Time, or an IANA time zone name such as America/Los_Angeles',
  documented:
    "UTC, a Windows time zone name such as Pacific Standard Time, or one of the IANA names Graph's dateTimeTimeZone page lists, such as America/Los_Angeles (policy graph-time-zones=documented)",
};

/** The names Graph takes under the policy graph-time-zones. */
export function timeZonesFor(policy: TimeZonePolicy): TimeZones {
  return {
    allowed: descriptions[policy],
    resolve(name) {
      const key = name.trim().toLowerCase();
      if (utcNames.has(key)) return 'UTC';
      const windows = windowsZoneMap().get(key);
      if (windows) return windows;
      return policy === 'documented' ? documentedZoneMap().get(key) : intlZone(name.trim());
    },
  };
}

/** Every Windows name and every IANA name: the default policy, and how stored settings are read. */
export const anyTimeZone: TimeZones = timeZonesFor('windows-and-iana');
