import type { FastifyBaseLogger } from 'fastify';
import type { ResolvedConfig } from '../config/options.js';
import { validateSeed } from '../config/seed-loader.js';
import { type Clock, RealClock, VirtualClock } from '../core/clock.js';
import { createIdGenerator } from '../core/ids.js';
import { getSchemaRegistry } from '../core/schemas/registry.js';
import { createDispatcher } from '../delivery/dispatcher.js';
import { DeliveryEngine } from '../delivery/engine.js';
import { RedeliveryService } from '../delivery/redelivery.js';
import { createAllowlistPolicy, profileAllowlist } from '../domain/allowlist.js';
import { AppointmentService } from '../domain/appointments.js';
import { BusinessResourceService } from '../domain/businesses/business-resources.js';
import { Directory } from '../domain/directory.js';
import { EmulatorEvents } from '../domain/events.js';
import { FaultRegistry } from '../domain/faults.js';
import type { Store } from '../domain/store.js';
import { SubscriptionService } from '../domain/subscriptions.js';
import type { EmulatorContext, EmulatorRuntime, EmulatorServices, EmulatorState } from './context.js';

/**
 * Builds the emulator bottom up, each part from the ones before it: runtime, state, the allowlist
 * in force, then delivery (engine, dispatcher, redelivery) and the domain services that feed it.
 * Nothing is looked up lazily: shared mutable parts (policies, directory, allowlist) change in place.
 */
export function composeEmulator(
  config: ResolvedConfig,
  log: FastifyBaseLogger,
  store: Store,
): EmulatorContext {
  const clock: Clock =
    config.clock.mode === 'virtual' ? new VirtualClock(config.clock.startMs) : new RealClock();
  const ids = createIdGenerator(config.idSeed);
  const runtime: EmulatorRuntime = { clock, events: new EmulatorEvents(), schemas: getSchemaRegistry() };
  const { events } = runtime;

  const state: EmulatorState = {
    directory: new Directory(config.seed, { store: store.businesses, now: () => clock.now() }),
    store,
    faults: new FaultRegistry(config.idSeed),
    policies: { ...config.policies },
  };
  const { directory, faults, policies } = state;
  const allowlist = createAllowlistPolicy(config.allowlist);

  const deliveries = new DeliveryEngine({
    faults,
    limits: { perOriginConcurrency: config.perOriginConcurrency, maxPending: config.maxPendingDeliveries },
    store: store.deliveries,
    clock,
    ids,
    events,
    schemas: runtime.schemas,
    retryPolicy: () => config.retryPolicy,
    timeoutMs: config.deliveryTimeoutMs,
    log,
  });
  const dispatch = createDispatcher({
    subscriptions: store.subscriptions,
    engine: deliveries,
    policies,
    allowlist,
    log,
  });
  const services: EmulatorServices = {
    deliveries,
    redelivery: new RedeliveryService({ engine: deliveries, journal: store.deliveries, allowlist }),
    subscriptions: new SubscriptionService({
      subscriptions: store.subscriptions,
      directory,
      allowlist,
      ids,
      clock,
      events,
      webhookLimit: config.webhookLimit,
    }),
    appointments: new AppointmentService({
      directory,
      store: store.appointments,
      clock,
      ids,
      rescheduleGivesNewId: () => policies['reschedule-new-id'] === 'on',
      rules: () => ({
        requiredAnswers: policies['graph-required-answers'],
        outsideBusinessHours: policies['graph-outside-business-hours'],
        staffBusy: policies['graph-staff-busy'],
        timeZones: policies['graph-time-zones'],
      }),
      onChange: (change) => {
        events.emit('appointment:changed', change);
        dispatch(change);
      },
      atomically: (change) => store.atomically(change),
    }),
    businessResources: new BusinessResourceService({ directory, ids, clock }),
  };

  return {
    config,
    runtime,
    state,
    services,
    reset(next) {
      if (next?.seed) {
        directory.load(validateSeed(next.seed, 'the reset request'));
        allowlist.replace(directory.seed.allowlist ?? profileAllowlist(config.profile));
      } else {
        directory.load(directory.seed);
      }
      deliveries.cancelScheduled();
      store.subscriptions.clear();
      store.appointments.clear();
      store.deliveries.clear();
      store.inboxes.clear();
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
