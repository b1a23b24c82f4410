import { type HostAllowlist, notSentReason } from '../domain/allowlist.js';
import { toAppointmentData } from '../domain/appointment-data.js';
import type { AppointmentChange } from '../domain/appointments.js';
import type { PolicySettings } from '../domain/policies.js';
import type { SubscriptionStore } from '../domain/store.js';
import type { Subscription } from '../generated/schema-types.js';
import type { DeliveryEngine } from './engine.js';

export interface DispatcherDeps {
  subscriptions: SubscriptionStore;
  /** Only the engine's public enqueue is used. */
  engine: Pick<DeliveryEngine, 'enqueue'>;
  /** The policies in force, read at each change (the control API changes them in place). */
  policies: PolicySettings;
  /** The allowlist in force, asked at each change (a reset to another seed may change it). */
  allowlist: HostAllowlist;
  log: { warn(object: object, message: string): void };
}

/** Which subscriptions an appointment change reaches: the mailbox's, by change_type (source [A]). */
function matchingSubscriptions(
  change: AppointmentChange,
  subscriptions: readonly Subscription[],
  policies: PolicySettings,
): Subscription[] {
  const wanted = new Set([change.changeType]);
  // Quirk [D] 2023-09: the Updated trigger also fires when an appointment is created.
  if (change.changeType === 'Created' && policies['update-fires-on-create'] === 'on') wanted.add('Updated');
  return subscriptions.filter((subscription) => subscription.changeTypes.some((type) => wanted.has(type)));
}

/** Turns each appointment change into one delivery per matching subscription, one payload for all. */
export function createDispatcher(deps: DispatcherDeps): (change: AppointmentChange) => void {
  return (change) => {
    const { policies, allowlist } = deps;
    const targets = matchingSubscriptions(
      change,
      deps.subscriptions.listByMailbox(change.business.email),
      policies,
    );
    if (targets.length === 0) return;
    const payload = toAppointmentData(change.record, change.business, change, policies);
    for (const subscription of targets) {
      const changeType = subscription.changeTypes.includes(change.changeType) ? change.changeType : 'Updated';
      const appointmentId = change.record.appointment.id;
      // Checked again at delivery time: a subscription kept in a data dir may predate a stricter
      // allowlist (--profile strict, a seed's own list), and must not be sent past it. The refusal
      // is journaled, so the flow's owner sees why nothing arrived.
      const verdict = allowlist.check(subscription.notificationUrl);
      if (!verdict.allowed) {
        deps.log.warn(
          {
            webhookId: subscription.webhookId,
            mailbox: subscription.mailbox,
            reason: verdict.reason,
            message: verdict.message,
          },
          'not delivered: the flow URL is no longer allowlisted; unsubscribe it or allow its host',
        );
        deps.engine.enqueue({
          subscription,
          changeType,
          appointmentId,
          payload,
          refused: notSentReason(verdict),
        });
        continue;
      }
      deps.engine.enqueue({
        subscription:
          verdict.url === subscription.notificationUrl
            ? subscription
            : { ...subscription, notificationUrl: verdict.url },
        changeType,
        appointmentId,
        payload,
      });
    }
  };
}
