import type {
  BookingAppointment,
  Delivery,
  DeliveryFilter,
  InboxMessage,
  Subscription,
} from '../generated/schema-types.js';
import type { BusinessDocument } from './businesses/documents.js';

export type { DeliveryFilter };

/** Whether a delivery passes a journal filter; mailboxes compare without regard to case. */
export function matchesDeliveryFilter(delivery: Delivery, filter: DeliveryFilter): boolean {
  return (
    (filter.webhookId === undefined || delivery.webhookId === filter.webhookId) &&
    (filter.mailbox === undefined || delivery.mailbox.toLowerCase() === filter.mailbox.toLowerCase()) &&
    (filter.status === undefined || delivery.status === filter.status) &&
    (filter.appointmentId === undefined || delivery.appointmentId === filter.appointmentId)
  );
}

/**
 * The emulator's mutable state, split by aggregate. Methods are synchronous on purpose: a check
 * and the write that depends on it (the five-flow limit) happen with no await between them, so
 * concurrent requests cannot interleave (in memory: one event loop turn; in SQLite: one transaction).
 */
export interface SubscriptionStore {
  /** Adds the subscription unless its mailbox already holds `limit`; returns whether it was added. */
  addWithinLimit(subscription: Subscription, limit: number): boolean;
  get(webhookId: string): Subscription | undefined;
  remove(webhookId: string): boolean;
  listByMailbox(mailbox: string): Subscription[];
  list(): Subscription[];
  clear(): void;
}

export interface AppointmentRecord {
  /** Lower-cased SMTP address of the business that owns the appointment. */
  businessEmail: string;
  appointment: BookingAppointment & { id: string };
  /** Who booked: staff through Graph, or a customer on the public booking page. Absent: staff. */
  bookedBy?: 'staff' | 'customer';
  /**
   * The appointment's own self-service id, a GUID apart from its id: what a customer booking
   * carries, and a staff booking under the policy self-service-id=fresh.
   */
  selfServiceId?: string;
  /** Campaign data from the booking page link (customer bookings only). */
  trackingData?: string;
}

export interface AppointmentStore {
  insert(record: AppointmentRecord): void;
  get(businessEmail: string, appointmentId: string): AppointmentRecord | undefined;
  replace(previousId: string, record: AppointmentRecord): void;
  remove(businessEmail: string, appointmentId: string): boolean;
  listByBusiness(businessEmail: string): AppointmentRecord[];
  clear(): void;
}

/** Whether a delivery is final (delivered or failed): only these may be evicted by retention. */
export function isSettledStatus(status: Delivery['status']): boolean {
  return status === 'delivered' || status === 'failed';
}

/**
 * How much the journal and the inboxes keep (`start --retain-deliveries N`). Absent: everything.
 * Past N, the journal drops its oldest settled deliveries (in journal order) until N remain or
 * only pending and retrying ones are left over: nothing in flight is ever dropped. Each inbox
 * keeps its newest N messages.
 */
export interface RetentionOptions {
  retainDeliveries?: number | undefined;
}

export interface DeliveryStore {
  /** Journals a new delivery; with retention, may evict the oldest settled ones. */
  insert(delivery: Delivery): void;
  get(deliveryId: string): Delivery | undefined;
  /** Persists a delivery whose status or attempts changed; settling one may evict older ones. */
  save(delivery: Delivery): void;
  list(filter?: DeliveryFilter): Delivery[];
  /** How many settled deliveries retention removed since the journal was last cleared. */
  evicted(): number;
  /** Empties the journal and sets the evicted count back to 0. */
  clear(): void;
}

/**
 * What the built-in inboxes (`/_emulator/inbox/NAME`) received, per inbox name (names compare
 * exactly, case included). Kept with the journal, so a restart over the same data keeps both.
 */
export interface InboxStore {
  append(name: string, message: InboxMessage): void;
  /** The messages of one inbox, oldest first; empty for an inbox that received nothing. */
  list(name: string): InboxMessage[];
  /** How many of this inbox's messages retention removed since it was last emptied. */
  evicted(name: string): number;
  /** Empties one inbox (its evicted count too); returns whether it held anything. */
  remove(name: string): boolean;
  clear(): void;
}

/**
 * The businesses as Graph shows them (services, staff, customers, questions), saved so that changes
 * made through Graph survive a restart. They were made from one seed; a different seed starts over.
 */
export interface BusinessStore {
  /** The saved businesses, when they were made from the seed with this fingerprint. */
  load(seedFingerprint: string): BusinessDocument[] | undefined;
  /** Starts over with these businesses, made from the seed with this fingerprint. */
  replaceAll(seedFingerprint: string, documents: readonly BusinessDocument[]): void;
  /** Saves one business after a change. */
  save(document: BusinessDocument): void;
}

export interface Store {
  businesses: BusinessStore;
  subscriptions: SubscriptionStore;
  appointments: AppointmentStore;
  deliveries: DeliveryStore;
  inboxes: InboxStore;
  /**
   * Runs `change` so that what it writes is kept whole or not at all: an appointment and the
   * deliveries it makes land together, and a kill between them cannot leave an appointment that
   * no flow will hear of. In memory a process keeps everything or nothing anyway.
   */
  atomically<T>(change: () => T): T;
  /** Releases files and handles; a durable store is unusable afterwards. */
  close?(): void;
}
