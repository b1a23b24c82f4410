import type { FastifyBaseLogger } from 'fastify';
import type { ResolvedConfig } from '../config/options.js';
import { validateSeed } from '../config/seed-loader.js';
import { type Clock, RealClock, VirtualClock } from '../core/clock.js';
import { createIdGenerator, type IdGenerator } from '../core/ids.js';
import { getSchemaRegistry, type SchemaRegistry } from '../core/schemas/registry.js';
import { createDispatcher } from '../delivery/dispatcher.js';
import { DeliveryEngine } from '../delivery/engine.js';
import { createHostAllowlist, type HostAllowlist, profileAllowlist } from '../domain/allowlist.js';
import { AppointmentService } from '../domain/appointments.js';
import { Directory } from '../domain/directory.js';
import { EmulatorEvents } from '../domain/events.js';
import { FaultRegistry } from '../domain/faults.js';
import type { Store } from '../domain/store.js';
import type { InboxMessage, Policies, Seed } from '../generated/schema-types.js';

/** Everything a request handler may use; one per app, reached through `app.emulator`. */
export interface EmulatorContext {
  readonly config: ResolvedConfig;
  readonly directory: Directory;
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly events: EmulatorEvents;
  readonly schemas: SchemaRegistry;
  /** The allowlist of the current seed (or of the profile when the seed has none). */
  readonly allowlist: HostAllowlist;
  readonly faults: FaultRegistry;
  /** Switchable at run time (control API, dashboard); starts from the config. */
  readonly policies: Required<Policies>;
  readonly appointments: AppointmentService;
  readonly deliveries: DeliveryEngine;
  readonly inboxes: Map<string, InboxMessage[]>;
  /**
   * Back to the seed: subscriptions, appointments, journal, inboxes, faults and pending retries
   * cleared, policies as configured. With `next`, start again from another seed and policies instead.
   */
  reset(next?: { seed?: Seed; policies?: Policies; idSeed?: number }): void;
  close(): Promise<void>;
}

export function createEmulatorContext(
  config: ResolvedConfig,
  log: FastifyBaseLogger,
  store: Store,
): EmulatorContext {
  const clock: Clock =
    config.clock.mode === 'virtual' ? new VirtualClock(config.clock.startMs) : new RealClock();
  const ids = createIdGenerator(config.idSeed);
  const events = new EmulatorEvents();
  const schemas = getSchemaRegistry();
  const directory = new Directory(config.seed);
  const policies: Required<Policies> = { ...config.policies };
  const faults = new FaultRegistry(config.idSeed);
  const deliveries = new DeliveryEngine({
    faults,
    limits: { perOriginConcurrency: config.perOriginConcurrency, maxPending: config.maxPendingDeliveries },
    store: store.deliveries,
    clock,
    ids,
    events,
    schemas,
    retryPolicy: () => config.retryPolicy,
    timeoutMs: config.deliveryTimeoutMs,
    log,
  });
  const dispatch = createDispatcher({
    subscriptions: store.subscriptions,
    engine: deliveries,
    policies: () => policies,
    allowlist: () => allowlist,
    log,
  });
  const appointments = new AppointmentService({
    directory,
    store: store.appointments,
    clock,
    ids,
    rescheduleGivesNewId: () => policies['reschedule-new-id'] === 'on',
    onChange: (change) => {
      events.emit('appointment:changed', change);
      dispatch(change);
    },
  });
  const inboxes = new Map<string, InboxMessage[]>();
  const allowlistFor = (seed: Seed) =>
    createHostAllowlist(seed.allowlist ?? profileAllowlist(config.profile));
  let allowlist = createHostAllowlist(config.allowlist);
  return {
    config,
    directory,
    store,
    clock,
    ids,
    events,
    schemas,
    get allowlist() {
      return allowlist;
    },
    faults,
    policies,
    appointments,
    deliveries,
    inboxes,
    reset(next) {
      if (next?.seed) {
        directory.load(validateSeed(next.seed, 'the reset request'));
        allowlist = allowlistFor(directory.seed);
      }
      deliveries.cancelScheduled();
      store.subscriptions.clear();
      store.appointments.clear();
      store.deliveries.clear();
      inboxes.clear();
      faults.clear();
      Object.assign(policies, config.policies, next?.policies);
      events.emit('flows:changed');
      if (next?.idSeed !== undefined) {
        ids.reseed(next.idSeed);
        faults.reseed(next.idSeed);
      }
    },
    async close() {
      await deliveries.close();
      clock.clearAll();
      store.close?.();
    },
  };
}
