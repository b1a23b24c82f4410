import type { BusinessDocument } from '../../domain/businesses/documents.js';
import type {
  AppointmentRecord,
  AppointmentStore,
  BusinessStore,
  DeliveryFilter,
  DeliveryStore,
  InboxStore,
  RetentionOptions,
  Store,
  SubscriptionStore,
} from '../../domain/store.js';
import { isSettledStatus, matchesDeliveryFilter } from '../../domain/store.js';
import type { Delivery, InboxMessage, Subscription } from '../../generated/schema-types.js';
import { EvictionOrder } from './eviction-order.js';
import { Fifo } from './fifo.js';

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
  /** Only with retention. */
  private readonly order: EvictionOrder | undefined;
  private evictedCount = 0;

  constructor(private readonly retain: number | undefined) {
    this.order =
      retain === undefined
        ? undefined
        : new EvictionOrder((id) => {
            const delivery = this.byId.get(id);
            return delivery && isSettledStatus(delivery.status);
          });
  }

  private static index(map: Map<string, Delivery[]>, key: string, delivery: Delivery): void {
    const list = map.get(key);
    if (list) list.push(delivery);
    else map.set(key, [delivery]);
  }

  private static unindex(map: Map<string, Delivery[]>, key: string, delivery: Delivery): void {
    const list = map.get(key);
    // The evicted delivery is the oldest settled one, so it sits at or near the front.
    const at = list?.indexOf(delivery) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) map.delete(key);
  }

  insert(delivery: Delivery): void {
    if (this.byId.has(delivery.deliveryId)) {
      this.save(delivery);
      return;
    }
    this.byId.set(delivery.deliveryId, delivery);
    MemoryDeliveryStore.index(this.byWebhook, delivery.webhookId, delivery);
    MemoryDeliveryStore.index(this.byAppointment, delivery.appointmentId, delivery);
    this.order?.added(delivery.deliveryId);
    this.evictPastLimit();
  }

  get(deliveryId: string): Delivery | undefined {
    return this.byId.get(deliveryId);
  }

  save(delivery: Delivery): void {
    const previous = this.byId.get(delivery.deliveryId);
    if (!previous) {
      // Not (or no longer) journaled: saving journals it, as the SQLite store's upsert does.
      this.insert(delivery);
      return;
    }
    this.byId.set(delivery.deliveryId, delivery);
    if (previous !== delivery) {
      // A copy was saved: the lookups must hold the new object, in the same place.
      for (const list of [
        this.byWebhook.get(delivery.webhookId),
        this.byAppointment.get(delivery.appointmentId),
      ]) {
        const index = list?.indexOf(previous) ?? -1;
        if (list && index >= 0) list[index] = delivery;
      }
    }
    if (this.order) {
      const settled = isSettledStatus(delivery.status);
      this.order.statusSaved(delivery.deliveryId, settled);
      if (settled) this.evictPastLimit();
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

  evicted(): number {
    return this.evictedCount;
  }

  clear(): void {
    this.byId.clear();
    this.byWebhook.clear();
    this.byAppointment.clear();
    this.order?.clear();
    this.evictedCount = 0;
  }

  /** Drops the oldest settled deliveries while the journal holds more than it may keep. */
  private evictPastLimit(): void {
    if (this.retain === undefined || !this.order) return;
    while (this.byId.size > this.retain) {
      const id = this.order.takeOldestSettled();
      const delivery = id === undefined ? undefined : this.byId.get(id);
      if (!delivery) return;
      this.byId.delete(delivery.deliveryId);
      MemoryDeliveryStore.unindex(this.byWebhook, delivery.webhookId, delivery);
      MemoryDeliveryStore.unindex(this.byAppointment, delivery.appointmentId, delivery);
      this.evictedCount += 1;
    }
  }
}

class MemoryInboxStore implements InboxStore {
  private readonly byName = new Map<string, { messages: Fifo<InboxMessage>; evicted: number }>();

  constructor(private readonly retain: number | undefined) {}

  append(name: string, message: InboxMessage): void {
    let inbox = this.byName.get(name);
    if (!inbox) {
      inbox = { messages: new Fifo(), evicted: 0 };
      this.byName.set(name, inbox);
    }
    inbox.messages.push(message);
    if (this.retain !== undefined && inbox.messages.length > this.retain) {
      inbox.messages.shift();
      inbox.evicted += 1;
    }
  }

  list(name: string): InboxMessage[] {
    return this.byName.get(name)?.messages.toArray() ?? [];
  }

  evicted(name: string): number {
    return this.byName.get(name)?.evicted ?? 0;
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

/** The state in this process only; `retainDeliveries` bounds the journal and each inbox. */
export function createMemoryStore(options: RetentionOptions = {}): Store {
  const { retainDeliveries } = options;
  return {
    businesses: new MemoryBusinessStore(),
    atomically: (change) => change(),
    subscriptions: new MemorySubscriptionStore(),
    appointments: new MemoryAppointmentStore(),
    deliveries: new MemoryDeliveryStore(retainDeliveries),
    inboxes: new MemoryInboxStore(retainDeliveries),
  };
}
