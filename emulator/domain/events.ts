import { EventEmitter } from 'node:events';
import type { Delivery, DeliveryAttempt } from '../generated/schema-types.js';
import type { AppointmentChange } from './appointments.js';

/** Typed lifecycle events: tests and the CLI wait on these instead of sleeping. */
export interface EmulatorEventMap {
  'appointment:changed': [change: AppointmentChange];
  'delivery:queued': [delivery: Delivery];
  'delivery:attempt': [delivery: Delivery, attempt: DeliveryAttempt];
  /** A delivery reached a final state: delivered, or failed with no retry left. */
  'delivery:settled': [delivery: Delivery];
  /** A flow was subscribed or unsubscribed, or the state was reset. */
  'flows:changed': [];
}

export class EmulatorEvents extends EventEmitter<EmulatorEventMap> {}
