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
const appointments = (mailbox: string) => `${graphBusinesses}/${segment(mailbox)}/appointments`;
const appointment = (mailbox: string, id: string) => `${appointments(mailbox)}/${segment(id)}`;

/** The Graph-shaped appointment actions that fire the triggers. */
export const graphPaths = {
  appointments,
  appointment,
  cancel: (mailbox: string, id: string) => `${appointment(mailbox, id)}/cancel`,
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
