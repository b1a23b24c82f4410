import type { FastifyInstance } from 'fastify';
import type { EmulatorClient, SubscribeResult } from '../client/client.js';
import { injectTransport } from '../client/transport.js';
import { parseDuration } from '../delivery/retry-policy.js';
import { unsignedJwt } from '../domain/credentials.js';
import { matchesDeliveryFilter } from '../domain/store.js';
import type {
  BookingAppointment,
  ChangeType,
  Delivery,
  DeliveryFilter,
  Trigger,
} from '../generated/schema-types.js';

export type { SubscribeResult } from '../client/client.js';

export interface SubscribeInput {
  /** The flow's callback URL. */
  url: string;
  /** Default: the first mailbox of the seed. */
  mailbox?: string;
  /** One trigger uses its own path; a list uses the backend form. Default: created. */
  trigger?: Trigger | Trigger[];
  /** UPN of the subscribing user; default: the mailbox's first administrator with a seat in `users`. */
  as?: string;
}

export interface DeliveryWait extends DeliveryFilter {
  changeType?: ChangeType;
}

/** What `startEmulator()` hands back, beyond the URL: calls a test would otherwise write itself. */
export interface EmulatorHandle {
  /** Bearer tokens by UPN: the seed's own, or an unsigned JWT for users without one. */
  readonly tokens: Readonly<Record<string, string>>;
  readonly mailboxes: ReadonlyArray<{ email: string; displayName: string }>;
  subscribe(input: SubscribeInput): Promise<SubscribeResult>;
  createAppointment(
    appointment: BookingAppointment & { mailbox?: string },
  ): Promise<BookingAppointment & { id: string }>;
  updateAppointment(
    id: string,
    patch: BookingAppointment,
    mailbox?: string,
  ): Promise<BookingAppointment & { id: string }>;
  cancelAppointment(id: string, cancellationMessage: string, mailbox?: string): Promise<void>;
  /** Resolves with the first delivery matching `filter` once it has settled (delivered or failed for good). */
  waitForDelivery(filter?: DeliveryWait, options?: { timeout?: number }): Promise<Delivery>;
  deliveries(filter?: DeliveryFilter): Delivery[];
  /**
   * Lets attempts on the wire finish, then moves the clock by milliseconds or a duration such as
   * '30s' or '4h'; every retry due on the way runs at its own instant.
   */
  advanceClock(by: number | string): Promise<void>;
}

class CallFailed extends Error {}

type StoredAppointment = Awaited<ReturnType<EmulatorHandle['createAppointment']>>;

export function createHandle(app: FastifyInstance): EmulatorHandle {
  const { directory, store } = app.emulator.state;
  const { events, clock } = app.emulator.runtime;
  const { deliveries } = app.emulator.services;
  const tokens: Record<string, string> = Object.fromEntries(
    directory.users.map((user) => [user.upn, user.token ?? unsignedJwt(user.upn)]),
  );
  const firstMailbox = () => directory.businesses[0]?.email ?? '';
  const administrator = (mailbox: string) => {
    const business = directory.business(mailbox);
    const admin = directory.users.find(
      (user) => business && directory.roleOf(business, user.upn) === 'administrator',
    );
    if (!admin)
      throw new CallFailed(`no seeded user administers ${mailbox}; pass "as" or add one to the seed`);
    return admin.upn;
  };
  // The client loads on the first call: `start` and most tests never use the handle's calls.
  let loading: Promise<EmulatorClient> | undefined;
  const clientOf = () => {
    loading ??= import('../client/client.js').then(({ createEmulatorClient }) =>
      createEmulatorClient({ transport: injectTransport(app) }),
    );
    return loading;
  };
  const matches = (delivery: Delivery, filter: DeliveryWait) =>
    matchesDeliveryFilter(delivery, filter) &&
    (filter.changeType === undefined || delivery.changeType === filter.changeType);
  const settled = (delivery: Delivery) => delivery.status === 'delivered' || delivery.status === 'failed';

  return {
    tokens,
    mailboxes: directory.businesses.map((business) => ({
      email: business.email,
      displayName: business.displayName,
    })),

    async subscribe(input) {
      const mailbox = input.mailbox ?? firstMailbox();
      const upn = input.as ?? administrator(mailbox);
      return (await clientOf()).subscribe({
        mailbox,
        url: input.url,
        trigger: input.trigger,
        token: tokens[upn] ?? unsignedJwt(upn),
      });
    },

    // The handle's public types name the stored shape; Graph answers the same with nulls for no value.
    async createAppointment({ mailbox, ...appointment }) {
      return (await (
        await clientOf()
      ).createAppointment(mailbox ?? firstMailbox(), appointment)) as StoredAppointment;
    },

    async updateAppointment(id, patch, mailbox) {
      return (await (
        await clientOf()
      ).updateAppointment(mailbox ?? firstMailbox(), id, patch)) as StoredAppointment;
    },

    async cancelAppointment(id, cancellationMessage, mailbox) {
      return (await clientOf()).cancelAppointment(mailbox ?? firstMailbox(), id, cancellationMessage);
    },

    waitForDelivery(filter = {}, options = {}) {
      const timeout = options.timeout ?? 10_000;
      const ready = store.deliveries
        .list(filter)
        .find((delivery) => matches(delivery, filter) && settled(delivery));
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const onSettled = (delivery: Delivery) => {
          if (!matches(delivery, filter)) return;
          clearTimeout(timer);
          events.off('delivery:settled', onSettled);
          resolve(delivery);
        };
        const timer = setTimeout(() => {
          events.off('delivery:settled', onSettled);
          reject(new Error(`no delivery matching ${JSON.stringify(filter)} settled within ${timeout} ms`));
        }, timeout);
        events.on('delivery:settled', onSettled);
      });
    },

    deliveries(filter = {}) {
      return store.deliveries.list(filter);
    },

    async advanceClock(by) {
      const ms = typeof by === 'number' ? by : parseDuration(by);
      if (ms === undefined) throw new RangeError(`"${by}" is not a duration such as 30s or 4h`);
      // Attempts already on their way land first, so the retries they schedule fall inside the jump.
      await deliveries.drain();
      await clock.advanceBy(ms);
      await deliveries.drain();
    },
  };
}
