import type { AppointmentChange } from '../domain/appointments.js';
import { type PayloadFormat, toAppointmentData } from '../formatters/appointment-data.js';
import type { Quirks, Subscription } from '../generated/schema-types.js';
import type { SubscriptionStore } from '../state/store.js';
import type { DeliveryEngine } from './engine.js';

export interface DispatcherDeps {
  subscriptions: SubscriptionStore;
  engine: DeliveryEngine;
  format: () => PayloadFormat;
}

/** Which subscriptions an appointment change reaches: the mailbox's, by change_type (source [A]). */
export function matchingSubscriptions(
  change: AppointmentChange,
  subscriptions: readonly Subscription[],
  quirks: Readonly<Required<Quirks>>,
): Subscription[] {
  const wanted = new Set([change.changeType]);
  // Quirk [D] 2023-09: the Updated trigger also fires when an appointment is created.
  if (change.changeType === 'Created' && quirks['update-fires-on-create']) wanted.add('Updated');
  return subscriptions.filter((subscription) => subscription.changeTypes.some((type) => wanted.has(type)));
}

/** Turns each appointment change into one delivery per matching subscription, one payload for all. */
export function createDispatcher(deps: DispatcherDeps): (change: AppointmentChange) => void {
  return (change) => {
    const format = deps.format();
    const targets = matchingSubscriptions(
      change,
      deps.subscriptions.listByMailbox(change.business.email),
      format.quirks,
    );
    if (targets.length === 0) return;
    const payload = toAppointmentData(change.record, change.business, change, format);
    for (const subscription of targets) {
      deps.engine.enqueue({
        subscription,
        changeType: subscription.changeTypes.includes(change.changeType) ? change.changeType : 'Updated',
        appointmentId: change.record.appointment.id,
        payload,
      });
    }
  };
}
