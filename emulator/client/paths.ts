import { subscribePath, triggerApiBase } from '../domain/triggers.js';
import type { DeliveryFilter } from '../generated/schema-types.js';

const segment = encodeURIComponent;

/** The Bookings trigger API (docs/contract.md (Operations)), without a connection id in front. */
export const triggerApiPaths = {
  /** One trigger: its own path; a list: the backend form the connector routes every subscription to. */
  subscribe: subscribePath,
  /** The DELETE URL a subscription's Location names. */
  webhook: (mailbox: string, webhookId: string) => `${subscribePath(mailbox, [])}${segment(webhookId)}`,
  mailboxes: `${triggerApiBase}/bookingBusinessesUserAsAdmin`,
} as const;

const graphBusinesses = '/v1.0/solutions/bookingBusinesses';
const business = (mailbox: string) => `${graphBusinesses}/${segment(mailbox)}`;

/** The collections of a business that Graph lists, creates, reads, updates and deletes alike. */
export type BookingCollectionName = 'services' | 'staffMembers' | 'customers' | 'customQuestions';

/** The OData query options the emulator reads on a list (policy graph-query-options). */
export interface ODataQuery {
  top?: number;
  skip?: number;
  /** Adds @odata.count, the number of matches before $top and $skip. */
  count?: boolean;
  /** Properties to keep; id always stays. */
  select?: string | readonly string[];
  /** An OData filter expression such as "displayName eq 'Consultation'". */
  filter?: string;
  /** A property and an optional direction: "displayName desc". */
  orderby?: string;
}

/** The businesses list takes Graph's `query` (a text the business must match) beside OData's options. */
export interface BusinessQuery extends ODataQuery {
  query?: string;
}

/**
 * A query string with the OData options named as Graph names them ($top, $filter...); `$` stays
 * literal, as Graph's documentation writes it, and each value is percent-encoded.
 */
function odata({ query, select, ...options }: BusinessQuery = {}): string {
  const pairs: Array<[string, string]> = [];
  if (query !== undefined) pairs.push(['query', query]);
  for (const [name, value] of Object.entries(options))
    if (value !== undefined) pairs.push([`$${name}`, String(value)]);
  if (select !== undefined) pairs.push(['$select', typeof select === 'string' ? select : select.join(',')]);
  const text = pairs.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return text === '' ? '' : `?${text}`;
}

const appointments = (mailbox: string, query?: ODataQuery) =>
  `${business(mailbox)}/appointments${odata(query)}`;
const appointment = (mailbox: string, id: string) => `${appointments(mailbox)}/${segment(id)}`;
const collection = (mailbox: string, name: BookingCollectionName, query?: ODataQuery) =>
  `${business(mailbox)}/${name}${odata(query)}`;

/** Graph v1.0's Bookings resources, as the emulator serves them. */
export const graphPaths = {
  businesses: (query?: BusinessQuery) => `${graphBusinesses}${odata(query)}`,
  business,
  appointments,
  appointment,
  cancel: (mailbox: string, id: string) => `${appointment(mailbox, id)}/cancel`,
  collection,
  member: (mailbox: string, name: BookingCollectionName, id: string) =>
    `${collection(mailbox, name)}/${segment(id)}`,
  /** start and end are ISO 8601 instants (Z or an offset), as Graph asks. */
  calendarView: (mailbox: string, start: string, end: string) =>
    `${business(mailbox)}/calendarView?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`,
  staffAvailability: (mailbox: string) => `${business(mailbox)}/getStaffAvailability`,
} as const;

const control = '/_emulator';

function query(filter: DeliveryFilter): string {
  const given = Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return given.length === 0 ? '' : `?${new URLSearchParams(given)}`;
}

/** The emulator's own API. */
export const controlPaths = {
  health: `${control}/health`,
  info: `${control}/info`,
  flows: `${control}/flows`,
  deliveries: (filter: DeliveryFilter = {}) => `${control}/deliveries${query(filter)}`,
  redeliver: (deliveryId: string) => `${control}/deliveries/${segment(deliveryId)}/redeliver`,
  redeliverMany: `${control}/deliveries/redeliver`,
  reset: `${control}/reset`,
  clock: `${control}/clock`,
  faults: `${control}/faults`,
  policies: `${control}/policies`,
  inbox: (name: string) => `${control}/inbox/${segment(name)}`,
  book: (mailbox: string) => `${control}/businesses/${segment(mailbox)}/book`,
} as const;

export function isControlPath(path: string): boolean {
  return path.startsWith(`${control}/`);
}
