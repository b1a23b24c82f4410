import { type RunningEmulator, startEmulator } from '../../api/start.js';
import { createEmulatorClient, type EmulatorClient, type RequestOptions } from '../../client/client.js';
import { injectTransport } from '../../client/transport.js';
import type { DeliveryFilter } from '../../domain/store.js';
import type { Delivery } from '../../generated/schema-types.js';
import type { ScenarioTarget, TargetResponse, TargetSetup } from './target.js';

/**
 * A fresh emulator per scenario, on a virtual clock and seeded ids, so a run repeats exactly.
 * Calls go through Fastify's inject (the full request lifecycle, no socket); deliveries go over
 * the network, since the emulator listens on 127.0.0.1 for its inbox and for real receivers. The
 * journal and the clock are read in-process: progress reports read the whole journal every 50
 * steps, which over HTTP would serialise it each time.
 */
export class LocalTarget implements ScenarioTarget {
  private readonly client: EmulatorClient;

  private constructor(private readonly emulator: RunningEmulator) {
    this.client = createEmulatorClient({ transport: injectTransport(emulator.app) });
  }

  static async start(setup: TargetSetup): Promise<LocalTarget> {
    const emulator = await startEmulator({
      seed: setup.seed,
      policies: setup.policies,
      ...(setup.profile === undefined ? {} : { profile: setup.profile }),
      ...(setup.retryPolicy === undefined ? {} : { retryPolicy: setup.retryPolicy }),
      ...(setup.webhookLimit === undefined ? {} : { webhookLimit: setup.webhookLimit }),
      ...(setup.retainDeliveries === undefined ? {} : { retainDeliveries: setup.retainDeliveries }),
      clock: { virtualStart: new Date(setup.clockStartMs).toISOString() },
      idSeed: setup.idSeed,
      logLevel: false,
    });
    return new LocalTarget(emulator);
  }

  get baseUrl(): string {
    return this.emulator.url;
  }

  call(method: string, path: string, options?: RequestOptions): Promise<TargetResponse> {
    return this.client.request(method, path, options);
  }

  async deliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    return this.emulator.context.state.store.deliveries.list(filter);
  }

  async journaled(): Promise<number> {
    const { deliveries } = this.emulator.context.state.store;
    return deliveries.list().length + deliveries.evicted();
  }

  async now(): Promise<number> {
    return this.emulator.context.runtime.clock.now();
  }

  async nextTimerAt(): Promise<number | undefined> {
    return this.emulator.context.runtime.clock.nextDueAt();
  }

  async advanceTo(epochMs: number): Promise<void> {
    await this.emulator.context.runtime.clock.advanceTo(epochMs);
  }

  async settle(): Promise<void> {
    await this.emulator.context.services.deliveries.drain();
  }

  async close(): Promise<void> {
    await this.emulator.close();
  }
}
