import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { ChangeType, SeedBusiness, Subscription } from '../generated/schema-types.js';
import type { HostAllowlist } from './allowlist.js';
import type { Directory } from './directory.js';
import type { EmulatorEvents } from './events.js';
import type { SubscriptionStore } from './store.js';

export interface SubscriptionServiceDeps {
  subscriptions: SubscriptionStore;
  directory: Directory;
  /** The allowlist in force (a reset to another seed may change its patterns). */
  allowlist: HostAllowlist;
  ids: IdGenerator;
  clock: Clock;
  events: EmulatorEvents;
  /** Flows per mailbox, across all triggers and administrators (docs/contract.md (Rules)). */
  webhookLimit: number;
}

export interface SubscribeCommand {
  /** UPN of the signed-in caller. */
  caller: string;
  mailbox: string;
  notificationUrl: string;
  changeTypes: readonly ChangeType[];
}

/**
 * The trigger API's subscription rules (docs/contract.md (Operations, Rules), sources [A][B]),
 * apart from HTTP: who may subscribe, where to, and how many. Each refusal is an EmulatorError.
 */
export class SubscriptionService {
  constructor(private readonly deps: SubscriptionServiceDeps) {}

  /**
   * 404 MailboxNotFound, 403 NotBookingsAdministrator, 403 NotificationUrlNotAllowlisted,
   * 429 WebhookLimitExceeded, in that order; otherwise the new subscription.
   */
  subscribe(input: SubscribeCommand): Subscription {
    const business = this.administered(input.caller, input.mailbox);
    const { allowlist, subscriptions, webhookLimit } = this.deps;
    const verdict = allowlist.check(input.notificationUrl);
    if (!verdict.allowed) {
      throw errors.notificationUrlNotAllowlisted(input.notificationUrl, verdict.message, allowlist.patterns);
    }
    const subscription: Subscription = {
      webhookId: this.deps.ids.uuid(),
      mailbox: business.email,
      notificationUrl: input.notificationUrl,
      changeTypes: [...input.changeTypes],
      createdBy: input.caller,
      createdAt: new Date(this.deps.clock.now()).toISOString(),
    };
    // The check and the insert are one store call, so racing subscribes cannot pass the limit.
    if (!subscriptions.addWithinLimit(subscription, webhookLimit)) {
      throw errors.webhookLimitExceeded(business.email, webhookLimit);
    }
    this.deps.events.emit('flows:changed');
    return subscription;
  }

  /** 404 MailboxNotFound, 403 NotBookingsAdministrator, 404 WebhookNotFound; otherwise the removed one. */
  unsubscribe(caller: string, mailbox: string, webhookId: string): Subscription {
    const business = this.administered(caller, mailbox);
    const subscription = this.deps.subscriptions.get(webhookId);
    if (!subscription || subscription.mailbox.toLowerCase() !== business.email.toLowerCase()) {
      throw errors.webhookNotFound(webhookId, business.email);
    }
    this.deps.subscriptions.remove(subscription.webhookId);
    this.deps.events.emit('flows:changed');
    return subscription;
  }

  /** The mailboxes the caller administers (ListBookingsBusinessUserAsAdmin, source [A]). */
  administeredMailboxes(caller: string): Array<{ displayName: string; email: string }> {
    return this.deps.directory
      .businessesAdministeredBy(caller)
      .map((business) => ({ displayName: business.displayName, email: business.email }));
  }

  /** Every subscribed flow, of all mailboxes. */
  list(): Subscription[] {
    return this.deps.subscriptions.list();
  }

  /** 404 for an unknown mailbox, then 403 unless the caller administers it (source [A][B]). */
  private administered(caller: string, mailbox: string): SeedBusiness {
    const { directory } = this.deps;
    const business = directory.business(mailbox);
    if (!business) throw errors.mailboxNotFound(mailbox);
    const role = directory.roleOf(business, caller);
    if (role !== 'administrator') throw errors.notBookingsAdministrator(caller, business.email, role);
    return business;
  }
}
