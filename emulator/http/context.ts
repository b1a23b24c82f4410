import type { ResolvedConfig } from '../config/options.js';
import type { Clock } from '../core/clock.js';
import type { SchemaRegistry } from '../core/schemas/registry.js';
import type { DeliveryEngine } from '../delivery/engine.js';
import type { RedeliveryService } from '../delivery/redelivery.js';
import type { AppointmentService } from '../domain/appointments.js';
import type { BusinessResourceService } from '../domain/businesses/business-resources.js';
import type { Directory } from '../domain/directory.js';
import type { EmulatorEvents } from '../domain/events.js';
import type { FaultRegistry } from '../domain/faults.js';
import type { Store } from '../domain/store.js';
import type { SubscriptionService } from '../domain/subscriptions.js';
import type { Policies, Seed } from '../generated/schema-types.js';

/** Time, lifecycle events and schemas: what every part shares and a reset leaves alone. */
export interface EmulatorRuntime {
  readonly clock: Clock;
  readonly events: EmulatorEvents;
  readonly schemas: SchemaRegistry;
}

/** What a reset puts back: the seed, stored state (inboxes included), faults and policies. */
export interface EmulatorState {
  readonly directory: Directory;
  readonly store: Store;
  readonly faults: FaultRegistry;
  /** Switchable at run time (control API, dashboard), in place; starts from the config. */
  readonly policies: Required<Policies>;
}

/** The rules, apart from HTTP: routes parse, call one of these, and shape the answer. */
export interface EmulatorServices {
  readonly appointments: AppointmentService;
  /** Services, staff members, customers and custom questions of the businesses (Graph's business routes). */
  readonly businessResources: BusinessResourceService;
  readonly subscriptions: SubscriptionService;
  readonly redelivery: RedeliveryService;
  /** The delivery engine itself: drain, close, pending count. */
  readonly deliveries: DeliveryEngine;
}

/**
 * One per app, built by composeEmulator() (compose.ts) and reached through `app.emulator`.
 * Routes use config, runtime, state, services and reset only.
 */
export interface EmulatorContext {
  readonly config: ResolvedConfig;
  readonly runtime: EmulatorRuntime;
  readonly state: EmulatorState;
  readonly services: EmulatorServices;
  /**
   * Back to the seed: subscriptions, appointments, journal, inboxes, faults and pending retries
   * cleared, policies as configured. With `next`, start again from another seed and policies instead.
   */
  reset(next?: { seed?: Seed; policies?: Policies; idSeed?: number }): void;
  close(): Promise<void>;
}
