import { subscribeRequest } from '../domain/triggers.js';
import type {
  ActiveFault,
  BookingAppointmentCollection,
  BookingAppointmentCreate,
  BookingBusiness,
  BookingBusinessCollection,
  CancelRequest,
  ClockAdvance,
  ClockState,
  Delivery,
  DeliveryFilter,
  DeliveryList,
  ErrorResponse,
  Fault,
  FaultList,
  FlowList,
  GetStaffAvailabilityRequest,
  GraphBookingAppointment,
  Health,
  Inbox,
  Info,
  ListMailboxResponse,
  Policies,
  PolicyTable,
  RedeliverManyRequest,
  RedeliverRequest,
  ResetRequest,
  SelfServiceBooking,
  StaffAvailabilityCollection,
  Trigger,
} from '../generated/schema-types.js';
import { controlTokenHeader } from '../http/control-token.js';
import { EmulatorApiError, isErrorResponse } from './errors.js';
import { type CollectionCalls, collectionCalls, type Saved } from './graph-collections.js';
import {
  type BusinessQuery,
  controlPaths,
  graphPaths,
  isControlPath,
  type ODataQuery,
  triggerApiPaths,
} from './paths.js';
import { fetchTransport, type Transport } from './transport.js';

interface CredentialOptions {
  /** Sent on /_emulator/ calls when the emulator was started with one. */
  controlToken?: string;
  /** Default bearer token for the trigger API; each trigger-API call may name another. */
  token?: string;
}

export type EmulatorClientOptions = CredentialOptions &
  ({ baseUrl: string; fetch?: typeof fetch } | { transport: Transport });

/** Any answer, parsed: JSON when it is JSON, the text otherwise, undefined when empty. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Win over the ones the client adds (content type, control token). */
  headers?: Record<string, string>;
}

export interface SubscribeCall {
  mailbox: string;
  /** The flow's callback URL. */
  url: string;
  /** One trigger uses its own path; a list uses the backend form. Default: created. */
  trigger?: Trigger | Trigger[];
  /** Bearer token of the subscribing administrator; default: the client's. */
  token?: string;
}

export interface SubscribeResult {
  status: number;
  webhookId?: string;
  location?: string;
  error?: ErrorResponse['error'];
}

/** Graph answers every appointment with its id. */
export type GraphAppointment = GraphBookingAppointment & { id: string };

/** A dateTimeTimeZone instant: an ISO string (Z or an offset), or a Date. */
type Instant = string | Date;

/**
 * The typed Graph calls on each collection of a business: listServices, createService, getService,
 * updateService, deleteService, and the same for StaffMember, Customer and CustomQuestion.
 */
type GraphCollectionCalls = CollectionCalls<'Service'> &
  CollectionCalls<'StaffMember'> &
  CollectionCalls<'Customer'> &
  CollectionCalls<'CustomQuestion'>;

export interface EmulatorClient extends GraphCollectionCalls {
  /** Any call, never thrown for its status: for paths this interface does not name. */
  request(method: string, path: string, options?: RequestOptions): Promise<EmulatorResponse>;

  /** Answers refusals (401, 403, 429...) instead of throwing them: tests check them. */
  subscribe(call: SubscribeCall): Promise<SubscribeResult>;
  unsubscribe(mailbox: string, webhookId: string, options?: { token?: string }): Promise<void>;
  listMailboxes(options?: { token?: string }): Promise<ListMailboxResponse>;

  /** Graph lists only each business's id and displayName; `query` keeps those that match a text. */
  listBusinesses(query?: BusinessQuery): Promise<BookingBusinessCollection>;
  getBusiness(mailbox: string): Promise<Saved<BookingBusiness>>;

  listAppointments(mailbox: string, query?: ODataQuery): Promise<BookingAppointmentCollection>;
  createAppointment(mailbox: string, appointment: BookingAppointmentCreate): Promise<GraphAppointment>;
  getAppointment(mailbox: string, id: string): Promise<GraphAppointment>;
  updateAppointment(mailbox: string, id: string, patch: GraphBookingAppointment): Promise<GraphAppointment>;
  cancelAppointment(mailbox: string, id: string, cancellationMessage: string): Promise<void>;
  deleteAppointment(mailbox: string, id: string): Promise<void>;
  /** The appointments that overlap [start, end). */
  calendarView(mailbox: string, start: Instant, end: Instant): Promise<BookingAppointmentCollection>;
  getStaffAvailability(
    mailbox: string,
    request: GetStaffAvailabilityRequest,
  ): Promise<StaffAvailabilityCollection>;

  health(): Promise<Health>;
  info(): Promise<Info>;
  flows(): Promise<FlowList>;
  deliveries(filter?: DeliveryFilter): Promise<DeliveryList>;
  redeliver(deliveryId: string, request?: RedeliverRequest): Promise<Delivery>;
  redeliverMany(request?: RedeliverManyRequest): Promise<DeliveryList>;
  /** Without a request: back to the seed and policies the emulator was started with. */
  reset(request?: ResetRequest): Promise<void>;
  readonly clock: {
    get(): Promise<ClockState>;
    advance(advance: ClockAdvance): Promise<ClockState>;
  };
  readonly faults: {
    add(fault: Fault): Promise<ActiveFault>;
    list(): Promise<FaultList>;
    clear(): Promise<void>;
  };
  readonly policies: {
    get(): Promise<PolicyTable>;
    put(policies: Policies): Promise<PolicyTable>;
  };
  readonly inbox: {
    read(name: string): Promise<Inbox>;
    clear(name: string): Promise<void>;
  };
  /** A customer books on the business's public booking page. */
  book(mailbox: string, booking: SelfServiceBooking): Promise<GraphAppointment>;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const isoOf = (instant: Instant) => (typeof instant === 'string' ? instant : instant.toISOString());

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((each) => each.toLowerCase() === name);
}

/**
 * A typed client of the emulator's HTTP surface: the trigger API, the Graph-shaped actions and the
 * control API. Each method answers the body its route answers, typed by schemas/; a status outside
 * 2xx throws an EmulatorApiError, except from subscribe() and request().
 */
export function createEmulatorClient(options: EmulatorClientOptions): EmulatorClient {
  const transport =
    'transport' in options ? options.transport : fetchTransport(options.baseUrl, options.fetch);
  const bearer = (token = options.token): Record<string, string> =>
    token === undefined ? {} : { authorization: `Bearer ${token}` };

  const request = async (
    method: string,
    path: string,
    { body, headers = {} }: RequestOptions = {},
  ): Promise<EmulatorResponse> => {
    const sent: Record<string, string> = {
      ...(options.controlToken !== undefined && isControlPath(path)
        ? { [controlTokenHeader]: options.controlToken }
        : {}),
      ...headers,
    };
    if (body !== undefined && !hasHeader(sent, 'content-type')) sent['content-type'] = 'application/json';
    const response = await transport({
      method,
      path,
      headers: sent,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, headers: response.headers, body: parseBody(response.body) };
  };

  /** The answer's body when it is 2xx; an EmulatorApiError otherwise. */
  const call = async <Answer = void>(
    method: string,
    path: string,
    requestOptions?: RequestOptions,
  ): Promise<Answer> => {
    const response = await request(method, path, requestOptions);
    if (response.status < 200 || response.status >= 300)
      throw new EmulatorApiError(method, path, response.status, response.body);
    return response.body as Answer;
  };

  return {
    request,

    async subscribe({ mailbox, url, trigger = 'created', token }) {
      const response = await request('POST', triggerApiPaths.subscribe(mailbox, trigger), {
        body: subscribeRequest(url, trigger),
        headers: bearer(token),
      });
      const result: SubscribeResult = { status: response.status };
      const location = response.headers.location;
      if (typeof location === 'string') {
        result.location = location;
        result.webhookId = decodeURIComponent(location.split('/').at(-1) ?? '');
      }
      if (response.status >= 400 && isErrorResponse(response.body)) result.error = response.body.error;
      return result;
    },
    unsubscribe: (mailbox, webhookId, { token } = {}) =>
      call('DELETE', triggerApiPaths.webhook(mailbox, webhookId), { headers: bearer(token) }),
    listMailboxes: ({ token } = {}) =>
      call('GET', triggerApiPaths.mailboxes, {
        // ListBookingsBusinessUserAsAdmin asks for this header (docs/contract.md (Operations)).
        headers: { ...bearer(token), 'x-prefer-owauserconfig': 'true' },
      }),

    // The Graph-shaped actions ask for no credentials (docs/decisions/006).
    listBusinesses: (query) => call('GET', graphPaths.businesses(query)),
    getBusiness: (mailbox) => call('GET', graphPaths.business(mailbox)),
    ...collectionCalls('Service', call),
    ...collectionCalls('StaffMember', call),
    ...collectionCalls('Customer', call),
    ...collectionCalls('CustomQuestion', call),
    listAppointments: (mailbox, query) => call('GET', graphPaths.appointments(mailbox, query)),
    createAppointment: (mailbox, appointment) =>
      call('POST', graphPaths.appointments(mailbox), { body: appointment }),
    getAppointment: (mailbox, id) => call('GET', graphPaths.appointment(mailbox, id)),
    updateAppointment: (mailbox, id, patch) =>
      call('PATCH', graphPaths.appointment(mailbox, id), { body: patch }),
    cancelAppointment: (mailbox, id, cancellationMessage) =>
      call('POST', graphPaths.cancel(mailbox, id), { body: { cancellationMessage } satisfies CancelRequest }),
    deleteAppointment: (mailbox, id) => call('DELETE', graphPaths.appointment(mailbox, id)),
    calendarView: (mailbox, start, end) =>
      call('GET', graphPaths.calendarView(mailbox, isoOf(start), isoOf(end))),
    getStaffAvailability: (mailbox, body) => call('POST', graphPaths.staffAvailability(mailbox), { body }),

    health: () => call('GET', controlPaths.health),
    info: () => call('GET', controlPaths.info),
    flows: () => call('GET', controlPaths.flows),
    deliveries: (filter) => call('GET', controlPaths.deliveries(filter)),
    redeliver: (deliveryId, body) => call('POST', controlPaths.redeliver(deliveryId), { body }),
    redeliverMany: (body) => call('POST', controlPaths.redeliverMany, { body }),
    reset: (body) => call('POST', controlPaths.reset, { body }),
    clock: {
      get: () => call('GET', controlPaths.clock),
      advance: (body) => call('POST', controlPaths.clock, { body }),
    },
    faults: {
      add: (fault) => call('POST', controlPaths.faults, { body: fault }),
      list: () => call('GET', controlPaths.faults),
      clear: () => call('DELETE', controlPaths.faults),
    },
    policies: {
      get: () => call('GET', controlPaths.policies),
      put: (policies) => call('PUT', controlPaths.policies, { body: policies }),
    },
    inbox: {
      read: (name) => call('GET', controlPaths.inbox(name)),
      clear: (name) => call('DELETE', controlPaths.inbox(name)),
    },
    book: (mailbox, booking) => call('POST', controlPaths.book(mailbox), { body: booking }),
  };
}
