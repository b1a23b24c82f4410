import type { AppointmentData } from 'bookings-emulator';
import { appointmentIdOf, customersOf, minutesOf, startOf } from '../common/appointment.js';
import type { FlowDefinition } from '../common/flow-app.js';
import { Once } from '../common/once.js';
import { type MeetingFields, ZoomClient, type ZoomClientOptions } from './zoom-client.js';

export interface ZoomMeetingOptions extends ZoomClientOptions {
  /** The Zoom user who hosts the meetings: an id, an e-mail address, or `me`. */
  hostUserId: string;
}

function meetingFields(appointment: AppointmentData): MeetingFields {
  const names = customersOf(appointment).map((customer) => customer.name || customer.email);
  const topic = [appointment.ServiceName ?? 'Appointment', names.length > 0 ? `with ${names.join(', ')}` : '']
    .join(' ')
    .trim()
    .slice(0, 200);
  return {
    topic,
    type: 2,
    start_time: startOf(appointment)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    duration: minutesOf(appointment),
    timezone: 'UTC',
    ...(appointment.AdditionalInfo ? { agenda: appointment.AdditionalInfo.slice(0, 2000) } : {}),
  };
}

/**
 * A Zoom meeting per appointment: created on Created, moved on Updated, deleted on Cancelled.
 * The flow remembers which meeting belongs to which appointment (a real flow keeps that in a table
 * keyed by SelfServiceAppointmentId); a retried or duplicated delivery creates no second meeting.
 * An Updated for an appointment it has no meeting for (booked before the flow existed, or moved
 * under the reschedule-new-id quirk, which gives it a new id) creates one.
 */
export function zoomMeetingFlow(options: ZoomMeetingOptions, zoom = new ZoomClient(options)): FlowDefinition {
  const meetings = new Once<number>();
  const deletions = new Once<void>();
  const meetingFor = (appointment: AppointmentData) =>
    meetings.run(appointmentIdOf(appointment), async () => {
      const meeting = await zoom.createMeeting(options.hostUserId, meetingFields(appointment));
      return meeting.id;
    });
  return {
    on: {
      async created(appointment, log) {
        const meetingId = await meetingFor(appointment);
        log.info({ appointment: appointmentIdOf(appointment), meetingId }, 'Zoom meeting ready');
      },
      async updated(appointment, log) {
        const id = appointmentIdOf(appointment);
        const known = meetings.get(id);
        if (!known) {
          await meetingFor(appointment);
          log.info({ appointment: id }, 'no meeting yet for this appointment: created one');
          return;
        }
        const { start_time, duration, timezone, topic } = meetingFields(appointment);
        await zoom.updateMeeting(await known, { start_time, duration, timezone, topic });
      },
      async cancelled(appointment, log) {
        const id = appointmentIdOf(appointment);
        const known = meetings.get(id);
        if (!known) {
          log.info({ appointment: id }, 'no meeting for this appointment: nothing to delete');
          return;
        }
        const meetingId = await known;
        await deletions.run(id, () => zoom.deleteMeeting(meetingId));
        meetings.forget(id);
      },
    },
    reset() {
      meetings.clear();
      deletions.clear();
    },
  };
}
