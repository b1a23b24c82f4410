import type { ChangeType, Trigger } from '../generated/schema-types.js';

/** Where the trigger API is rooted (source [A]); calls through a connection put its id in front. */
export const triggerApiBase = '/BookingsService/api/V1';

/** The three triggers by the names scenarios and the API use, and their change_type (source [A]). */
export const changeTypeOf: Record<Trigger, ChangeType> = {
  created: 'Created',
  updated: 'Updated',
  cancelled: 'Deleted',
};

export const triggerOf: Record<ChangeType, Trigger> = {
  Created: 'created',
  Updated: 'updated',
  Deleted: 'cancelled',
};

const triggerPathOf: Record<Trigger, string> = {
  created: 'AppointmentCreated',
  updated: 'AppointmentUpdated',
  cancelled: 'AppointmentDeleted',
};

/** Where a flow subscribes: its trigger's own path, or the backend form when it names several. */
export function subscribePath(mailbox: string, trigger: Trigger | Trigger[]): string {
  const base = `${triggerApiBase}/bookingBusinesses/${encodeURIComponent(mailbox)}/webhook/`;
  return Array.isArray(trigger) ? base : `${base}${triggerPathOf[trigger]}`;
}

/** The subscribe body Power Automate sends (source [A]). */
export function subscribeRequest(url: string, trigger: Trigger | Trigger[]) {
  const triggers = Array.isArray(trigger) ? trigger : [trigger];
  return {
    webhook: {
      notification_url: url,
      resource: 'Appointments',
      change_type: triggers.map((each) => changeTypeOf[each]),
    },
  };
}
