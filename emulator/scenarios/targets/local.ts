import { type RunningEmulator, startEmulator } from '../../api/start.js';
import type { DeliveryFilter } from '../../domain/store.js';
import type { Delivery } from '../../generated/schema-types.js';
import type { ScenarioTarget, TargetResponse, TargetSetup } from './target.js';

/**
 * A fresh emulator per scenario, on a virtual clock and seeded ids, so a run repeats exactly.
 * Calls go through Fastify's inject (the full request lifecycle, no socket); deliveries go over
 * the network, since the emulator listens on 127.0.0.1 for its inbox and for real receivers.
 */
export class LocalTarget implements ScenarioTarget {
  private constructor(private readonly emulator: RunningEmulator) {}

  static async start(setup: TargetSetup): Promise<LocalTarget> {
    const emulator = await startEmulator({
      seed: setup.seed,
      policies: setup.policies,
      ...(setup.profile === undefined ? {} : { profile: setup.profile }),
      ...(setup.retryPolicy === undefined ? {} : { retryPolicy: setup.retryPolicy }),
      ...(setup.webhookLimit === undefined ? {} : { webhookLimit: setup.webhookLimit }),
      clock: { virtualStart: new Date(setup.clockStartMs).toISOString() },
      idSeed: setup.idSeed,
      logLevel: false,
    });
    return new LocalTarget(emulator);
  }

  get baseUrl(): string {
    return this.emulator.url;
  }

  async call(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<TargetResponse> {
    const response = await this.emulator.app.inject({
      method: method as 'GET',
      url: path,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
    let body: unknown;
    try {
      body = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      body = response.body;
    }
    const headers = Object.fromEntries(
      Object.entries(response.headers).map(([name, value]) => [
        name,
        typeof value === 'number' ? String(value) : value,
      ]),
    );
    return { status: response.statusCode, headers, body };
  }

  async deliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    return this.emulator.context.store.deliveries.list(filter);
  }

  async now(): Promise<number> {
    return this.emulator.context.clock.now();
  }

  async nextTimerAt(): Promise<number | undefined> {
    return this.emulator.context.clock.nextDueAt();
  }

  async advanceTo(epochMs: number): Promise<void> {
    await this.emulator.context.clock.advanceTo(epochMs);
  }

  async settle(): Promise<void> {
    await this.emulator.context.deliveries.drain();
  }

  async close(): Promise<void> {
    await this.emulator.close();
  }
}
