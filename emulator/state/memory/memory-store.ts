import type { BusinessDocument } from '../../domain/businesses/documents.js';
import type {
  AppointmentRecord,
  BusinessStore,
  AppointmentStore,
  DeliveryFilter,
  DeliveryStore,
  InboxStore,
  Store,
  SubscriptionStore,
} from '../../domain/store.js';
import { matchesDeliveryFilter } from '../../domain/store.js';
import type { Delivery, InboxMessage, Subscription } from '../../generated/schema-types.js';

const mailboxKey = (mailbox: string) => mailbox.toLowerCase();

class MemorySubscriptionStore implements SubscriptionStore {
  private readonly byId = new Map<string, Subscription>();
  // Every subscribe and every appointment change asks for one mailbox's flows.
  private readonly byMailbox = new Map<string, Map<string, Subscription>>();

  addWithinLimit(subscription: Subscription, limit: number): boolean {
    const key = mailboxKey(subscription.mailbox);
    const mailbox = this.byMailbox.get(key) ?? new Map<string, Subscription>();
    if (mailbox.size >= limit) return false;
    mailbox.set(subscription.webhookId, subscription);
    this.byMailbox.set(key, mailbox);
    this.byId.set(subscription.webhookId, subscription);
    return true;
  }

  get(webhookId: string): Subscription | undefined {
    return this.byId.get(webhookId);
  }

  remove(webhookId: string): boolean {
    const subscription = this.byId.get(webhookId);
    if (!subscription) return false;
    this.byMailbox.get(mailboxKey(subscription.mailbox))?.delete(webhookId);
    return this.byId.delete(webhookId);
  }

  listByMailbox(mailbox: string): Subscription[] {
    return [...(this.byMailbox.get(mailboxKey(mailbox))?.values() ?? [])];
  }

  list(): Subscription[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
    this.byMailbox.clear();
  }
}

class MemoryAppointmentStore implements AppointmentStore {
  private readonly byKey = new Map<string, AppointmentRecord>();

  private static key(businessEmail: string, appointmentId: string): string {
    return `${mailboxKey(businessEmail)}\u0000${appointmentId}`;
  }

  insert(record: AppointmentRecord): void {
    this.byKey.set(MemoryAppointmentStore.key(record.businessEmail, record.appointment.id), record);
  }

  get(businessEmail: string, appointmentId: string): AppointmentRecord | undefined {
    return this.byKey.get(MemoryAppointmentStore.key(businessEmail, appointmentId));
  }

  replace(previousId: string, record: AppointmentRecord): void {
    this.byKey.delete(MemoryAppointmentStore.key(record.businessEmail, previousId));
    this.insert(record);
  }

  remove(businessEmail: string, appointmentId: string): boolean {
    return this.byKey.delete(MemoryAppointmentStore.key(businessEmail, appointmentId));
  }

  listByBusiness(businessEmail: string): AppointmentRecord[] {
    const key = mailboxKey(businessEmail);
    return [...this.byKey.values()].filter((record) => mailboxKey(record.businessEmail) === key);
  }

  clear(): void {
    this.byKey.clear();
  }
}

class MemoryDeliveryStore implements DeliveryStore {
  private readonly byId = new Map<string, Delivery>();
  // Expectations and the journal filter by flow or appointment on every call; scanning the whole
  // journal each time would make long scenarios quadratic.
  private readonly byWebhook = new Map<string, Delivery[]>();
  private readonly byAppointment = new Map<string, Delivery[]>();

  private static index(map: Map<string, Delivery[]>, key: string, delivery: Delivery): void {
    const list = map.get(key);
    if (list) list.push(delivery);
    else map.set(key, [delivery]);
  }

  insert(delivery: Delivery): void {
    this.byId.set(delivery.deliveryId, delivery);
    MemoryDeliveryStore.index(this.byWebhook, delivery.webhookId, delivery);
    MemoryDeliveryStore.index(this.byAppointment, delivery.appointmentId, delivery);
  }

  get(deliveryId: string): Delivery | undefined {
    return this.byId.get(deliveryId);
  }

  save(delivery: Delivery): void {
    const previous = this.byId.get(delivery.deliveryId);
    this.byId.set(delivery.deliveryId, delivery);
    if (previous && previous !== delivery) {
      // A copy was saved: the lookups must hold the new object, in the same place.
      for (const list of [
        this.byWebhook.get(delivery.webhookId),
        this.byAppointment.get(delivery.appointmentId),
      ]) {
        const index = list?.indexOf(previous) ?? -1;
        if (list && index >= 0) list[index] = delivery;
      }
    }
  }

  list(filter: DeliveryFilter = {}): Delivery[] {
    const candidates =
      filter.appointmentId !== undefined
        ? (this.byAppointment.get(filter.appointmentId) ?? [])
        : filter.webhookId !== undefined
          ? (this.byWebhook.get(filter.webhookId) ?? [])
          : this.byId.values();
    const out: Delivery[] = [];
    for (const delivery of candidates) {
      if (matchesDeliveryFilter(delivery, filter)) out.push(delivery);
    }
    return out;
  }

  clear(): void {
    this.byId.clear();
    this.byWebhook.clear();
    this.byAppointment.clear();
  }
}

class MemoryInboxStore implements InboxStore {
  private readonly byName = new Map<string, InboxMessage[]>();

  append(name: string, message: InboxMessage): void {
    const messages = this.byName.get(name);
    if (messages) messages.push(message);
    else this.byName.set(name, [message]);
  }

  list(name: string): InboxMessage[] {
    return [...(this.byName.get(name) ?? [])];
  }

  remove(name: string): boolean {
    return this.byName.delete(name);
  }

  clear(): void {
    this.byName.clear();
  }
}

class MemoryBusinessStore implements BusinessStore {
  private fingerprint: string | undefined;
  private readonly byEmail = new Map<string, BusinessDocument>();

  load(seedFingerprint: string): BusinessDocument[] | undefined {
    return seedFingerprint === this.fingerprint ? [...this.byEmail.values()] : undefined;
  }

  replaceAll(seedFingerprint: string, documents: readonly BusinessDocument[]): void {
    this.fingerprint = seedFingerprint;
    this.byEmail.clear();
    for (const document of documents) this.save(document);
  }

  save(document: BusinessDocument): void {
    this.byEmail.set(mailboxKey(document.business.id), document);
  }
}

export function createMemoryStore(): Store {
  return {
    businesses: new MemoryBusinessStore(),
    subscriptions: new MemorySubscriptionStore(),
    appointments: new MemoryAppointmentStore(),
    deliveries: new MemoryDeliveryStore(),
    inboxes: new MemoryInboxStore(),
  };
}
