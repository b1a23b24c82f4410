import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../delivery/retry-policy.js';
import { unsignedJwt } from '../domain/credentials.js';
import { matchesDeliveryFilter } from '../domain/store.js';
import { subscribePath, subscribeRequest } from '../domain/triggers.js';
import type {
  BookingAppointment,
  ChangeType,
  Delivery,
  DeliveryFilter,
  ErrorResponse,
  Trigger,
} from '../generated/schema-types.js';

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

export interface SubscribeResult {
  status: number;
  webhookId?: string;
  location?: string;
  error?: ErrorResponse['error'];
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

export function createHandle(app: FastifyInstance): EmulatorHandle {
  const { directory, store, events, clock, deliveries } = app.emulator;
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
  const appointments = (mailbox: string) =>
    `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(mailbox)}/appointments`;
  const expectOk = (response: { statusCode: number; body: string }, what: string) => {
    if (response.statusCode >= 300)
      throw new CallFailed(`${what} answered ${response.statusCode}: ${response.body}`);
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
      const token = tokens[upn] ?? unsignedJwt(upn);
      const trigger = input.trigger ?? 'created';
      const response = await app.inject({
        method: 'POST',
        url: subscribePath(mailbox, trigger),
        headers: { authorization: `Bearer ${token}` },
        payload: subscribeRequest(input.url, trigger),
      });
      const location = response.headers.location as string | undefined;
      const result: SubscribeResult = { status: response.statusCode };
      if (location) {
        result.location = location;
        result.webhookId = decodeURIComponent(location.split('/').at(-1) ?? '');
      }
      if (response.statusCode >= 400) result.error = (response.json() as ErrorResponse).error;
      return result;
    },

    async createAppointment({ mailbox, ...appointment }) {
      const response = await app.inject({
        method: 'POST',
        url: appointments(mailbox ?? firstMailbox()),
        payload: appointment,
      });
      expectOk(response, 'creating the appointment');
      return response.json();
    },

    async updateAppointment(id, patch, mailbox) {
      const url = `${appointments(mailbox ?? firstMailbox())}/${encodeURIComponent(id)}`;
      const response = await app.inject({ method: 'PATCH', url, payload: patch });
      expectOk(response, 'updating the appointment');
      return response.json();
    },

    async cancelAppointment(id, cancellationMessage, mailbox) {
      const url = `${appointments(mailbox ?? firstMailbox())}/${encodeURIComponent(id)}/cancel`;
      const response = await app.inject({ method: 'POST', url, payload: { cancellationMessage } });
      expectOk(response, 'cancelling the appointment');
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
