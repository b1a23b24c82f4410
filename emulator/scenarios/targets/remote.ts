import { setTimeout as sleep } from 'node:timers/promises';
import { createEmulatorClient, type EmulatorClient, type RequestOptions } from '../../client/client.js';
import { EmulatorApiError } from '../../client/errors.js';
import type { DeliveryFilter } from '../../domain/store.js';
import type { ClockState, Delivery, Info } from '../../generated/schema-types.js';
import type { ScenarioTarget, TargetResponse, TargetSetup } from './target.js';

/** How long settle() polls for first attempts still on their way, in real time. */
const settleLimitMs = 10_000;

class RemoteTargetError extends Error {}

/**
 * A running emulator reached by URL (`run --emulator URL`). Each scenario resets it to the
 * scenario's seed, policies and id seed; its clock, profile, retry policy and flow limit stay as it
 * was started.
 */
export class RemoteTarget implements ScenarioTarget {
  /** Where flows reach the emulator's inbox: its own loopback address, not ours (it may be in a container). */
  baseUrl: string;
  private readonly client: EmulatorClient;

  private constructor(url: string, controlToken: string | undefined) {
    this.baseUrl = url;
    this.client = createEmulatorClient({ baseUrl: url, controlToken });
  }

  static async connect(url: string, setup: TargetSetup, controlToken?: string): Promise<RemoteTarget> {
    const target = new RemoteTarget(url.replace(/\/+$/, ''), controlToken);
    try {
      await target.client.health();
    } catch (error) {
      if (error instanceof EmulatorApiError)
        throw new RemoteTargetError(`${url}/_emulator/health answered ${error.status}`);
      throw new RemoteTargetError(`cannot reach the emulator at ${url}: ${(error as Error).message}`);
    }
    try {
      await target.client.reset({ seed: setup.seed, policies: setup.policies, idSeed: setup.idSeed });
    } catch (error) {
      if (!(error instanceof EmulatorApiError)) throw error;
      if (error.status === 401) {
        throw new RemoteTargetError(
          `cannot reach the control API of the emulator at ${url}: ${error.body?.error.message ?? 'it answered 401'} (run takes --control-token or BOOKINGS_EMULATOR_CONTROL_TOKEN)`,
        );
      }
      throw new RemoteTargetError(`the emulator at ${url} refused to reset: ${error.message}`);
    }
    const info = await target.client.info().catch((error: unknown): Info | undefined => {
      // An emulator older than /_emulator/info keeps the URL we were given.
      if (error instanceof EmulatorApiError) return undefined;
      throw error;
    });
    if (info) target.baseUrl = info.selfUrl;
    return target;
  }

  call(method: string, path: string, options?: RequestOptions): Promise<TargetResponse> {
    return this.client.request(method, path, options);
  }

  async deliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    return (await this.client.deliveries(filter)).deliveries;
  }

  /** What the emulator's journal holds now: the run reset it, and it is not ours to size. */
  async journaled(): Promise<number> {
    return (await this.deliveries({})).length;
  }

  private clock(): Promise<ClockState> {
    return this.client.clock.get();
  }

  async now(): Promise<number> {
    return Date.parse((await this.clock()).now);
  }

  async nextTimerAt(): Promise<number | undefined> {
    const next = (await this.clock()).nextTimerAt;
    return next === undefined ? undefined : Date.parse(next);
  }

  async advanceTo(epochMs: number): Promise<void> {
    await this.client.clock.advance({ to: new Date(epochMs).toISOString() });
  }

  async settle(): Promise<void> {
    const deadline = Date.now() + settleLimitMs;
    while (Date.now() < deadline) {
      if ((await this.deliveries({ status: 'pending' })).length === 0) return;
      await sleep(20);
    }
  }

  async close(): Promise<void> {}
}
