import type { BookingWorkHours } from '../../generated/schema-types.js';
import { epochToWallTime, isoDurationToMs, parseGraphDateTime, wallTimeToEpoch } from '../graph-time.js';
import type { AppointmentRecord } from '../store.js';
import { anyTimeZone } from '../time-zones.js';
import type { BusinessDocument } from './documents.js';

/** A span of time, [startMs, endMs) in epoch milliseconds. */
export interface Interval {
  startMs: number;
  endMs: number;
}

/** When a staff member is booked: the appointment widened by its pre- and post-buffer. */
export interface BusyInterval extends Interval {
  appointmentId: string;
  serviceId: string | null;
}

/**
 * Graph's bookingsAvailabilityStatus, as the emulator gives it:
 * - `available`: inside the staff member's working hours and not booked;
 * - `busy`: booked (the appointment and its buffers), in or out of working hours, whatever the
 *   service's capacity — Graph says `slotsAvailable` for a group appointment with free seats; the
 *   emulator does not;
 * - `outOfOffice`: outside the working hours and not booked. Graph's sample leaves those times out
 *   of the answer; the emulator covers the whole window so a client sees every instant accounted for.
 */
type AvailabilityStatus = 'available' | 'busy' | 'outOfOffice';

export interface AvailabilitySpan extends Interval {
  status: AvailabilityStatus;
  /** The booked service on busy spans, null otherwise. */
  serviceId: string | null;
}

const dayMs = 86_400_000;
const dayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** A time of day as Graph writes it (08:00:00.0000000) in milliseconds since midnight. */
function timeOfDayMs(time: string): number {
  const [clock = '', fraction = ''] = time.split('.');
  const [hours = 0, minutes = 0, seconds = 0] = clock.split(':').map(Number);
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + Math.floor(Number(`0.${fraction || '0'}`) * 1000);
}

/** The zone a stored setting names (Windows or IANA); UTC when it names none Graph knows. */
function zoneOf(name: string | null | undefined): string {
  return (name ? anyTimeZone.resolve(name) : undefined) ?? 'UTC';
}

/** Sorts intervals and joins those that overlap or touch. */
function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.startMs <= last.endMs) last.endMs = Math.max(last.endMs, interval.endMs);
    else merged.push({ ...interval });
  }
  return merged;
}

/**
 * The instants of `window` that weekly work hours cover, read in `timeZone` (Windows or IANA):
 * each local day's slots become instants on their own, so a day of a daylight-saving change keeps
 * its local hours. A slot whose end is not after its start runs to that time the next day.
 */
export function openIntervals(
  hours: readonly BookingWorkHours[],
  timeZone: string | null | undefined,
  window: Interval,
): Interval[] {
  const zone = zoneOf(timeZone);
  const firstDay = Math.floor(epochToWallTime(window.startMs, zone) / dayMs) * dayMs - dayMs;
  const lastDay = Math.floor(epochToWallTime(window.endMs, zone) / dayMs) * dayMs + dayMs;
  const open: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day += dayMs) {
    const weekday = dayNames[new Date(day).getUTCDay()];
    for (const entry of hours.filter((candidate) => candidate.day === weekday)) {
      for (const slot of entry.timeSlots ?? []) {
        const start = timeOfDayMs(slot.startTime);
        let end = timeOfDayMs(slot.endTime);
        if (end <= start) end += dayMs;
        const startMs = Math.max(window.startMs, wallTimeToEpoch(day + start, zone));
        const endMs = Math.min(window.endMs, wallTimeToEpoch(day + end, zone));
        if (startMs < endMs) open.push({ startMs, endMs });
      }
    }
  }
  return merge(open);
}

/** The general availability of a staff member: the business hours, or their own working hours. */
function workingHoursOf(
  document: BusinessDocument,
  staffId: string,
): { hours: readonly BookingWorkHours[]; timeZone: string | null | undefined } {
  const { business } = document;
  const member = document.staffMembers.find((candidate) => candidate.id === staffId);
  if (member?.useBusinessHours === false) {
    return { hours: member.workingHours ?? [], timeZone: member.timeZone ?? business.timeZone };
  }
  return { hours: business.businessHours ?? [], timeZone: business.timeZone };
}

/** The staff member's working hours within the window. */
function staffOpenIntervals(document: BusinessDocument, staffId: string, window: Interval): Interval[] {
  const { hours, timeZone } = workingHoursOf(document, staffId);
  return openIntervals(hours, timeZone, window);
}

/** The time an appointment blocks in its staff's calendars: from start - preBuffer to end + postBuffer. */
export function blockedInterval(record: AppointmentRecord): Interval | undefined {
  const { appointment } = record;
  const start = parseGraphDateTime(appointment.startDateTime ?? { dateTime: '' });
  const end = parseGraphDateTime(appointment.endDateTime ?? { dateTime: '' });
  if (!start.ok || !end.ok) return undefined;
  return {
    startMs: start.epochMs - isoDurationToMs(appointment.preBuffer),
    endMs: end.epochMs + isoDurationToMs(appointment.postBuffer),
  };
}

/** The staff member's appointments that block part of the window, clipped to it, by start. */
export function busyIntervals(
  appointments: readonly AppointmentRecord[],
  staffId: string,
  window: Interval,
  ignoreAppointmentId?: string,
): BusyInterval[] {
  const busy: BusyInterval[] = [];
  for (const record of appointments) {
    const { appointment } = record;
    if (appointment.id === ignoreAppointmentId) continue;
    if (!(appointment.staffMemberIds ?? []).includes(staffId)) continue;
    const blocked = blockedInterval(record);
    if (!blocked || blocked.startMs >= window.endMs || blocked.endMs <= window.startMs) continue;
    busy.push({
      startMs: Math.max(blocked.startMs, window.startMs),
      endMs: Math.min(blocked.endMs, window.endMs),
      appointmentId: appointment.id,
      serviceId: appointment.serviceId ?? null,
    });
  }
  return busy.sort((a, b) => a.startMs - b.startMs);
}

const covers = (interval: Interval, instant: number) =>
  interval.startMs <= instant && instant < interval.endMs;

/**
 * What getStaffAvailability answers for one staff member: spans that cover the window from start
 * to end with no gap and no overlap, in order, each with its status (see AvailabilityStatus).
 */
export function staffAvailability(
  document: BusinessDocument,
  appointments: readonly AppointmentRecord[],
  staffId: string,
  window: Interval,
): AvailabilitySpan[] {
  const open = staffOpenIntervals(document, staffId, window);
  const busy = busyIntervals(appointments, staffId, window);
  const boundaries = [
    ...new Set(
      [
        window.startMs,
        window.endMs,
        ...[...open, ...busy].flatMap((span) => [span.startMs, span.endMs]),
      ].filter((instant) => instant >= window.startMs && instant <= window.endMs),
    ),
  ].sort((a, b) => a - b);
  const spans: AvailabilitySpan[] = [];
  for (let index = 0; index + 1 < boundaries.length; index++) {
    const startMs = boundaries[index] as number;
    const endMs = boundaries[index + 1] as number;
    const booked = busy.find((span) => covers(span, startMs));
    const status: AvailabilityStatus = booked
      ? 'busy'
      : open.some((span) => covers(span, startMs))
        ? 'available'
        : 'outOfOffice';
    const serviceId = booked ? booked.serviceId : null;
    const last = spans.at(-1);
    if (last && last.status === status && last.serviceId === serviceId) last.endMs = endMs;
    else spans.push({ startMs, endMs, status, serviceId });
  }
  return spans;
}

/**
 * Whether start..end lies within the business hours (in the business's zone) with no break:
 * inside one time slot, or slots that touch (08:00-12:00 and 12:00-17:00 read as one).
 */
export function isWithinBusinessHours(document: BusinessDocument, startMs: number, endMs: number): boolean {
  const { business } = document;
  const open = openIntervals(business.businessHours ?? [], business.timeZone, { startMs, endMs });
  const [only] = open;
  return open.length === 1 && only?.startMs === startMs && only.endMs === endMs;
}

/**
 * The staff among `staffIds` whom another appointment of the business blocks during start..end
 * (the caller widens start..end by the new appointment's buffers; the others' buffers count too).
 */
export function busyStaff(
  document: BusinessDocument,
  appointments: readonly AppointmentRecord[],
  staffIds: readonly string[],
  startMs: number,
  endMs: number,
  ignoreAppointmentId?: string,
): string[] {
  const businessEmail = document.business.id.toLowerCase();
  const ofBusiness = appointments.filter((record) => record.businessEmail === businessEmail);
  return staffIds.filter(
    (staffId) => busyIntervals(ofBusiness, staffId, { startMs, endMs }, ignoreAppointmentId).length > 0,
  );
}
