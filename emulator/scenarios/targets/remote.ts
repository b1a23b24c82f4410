import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryFilter } from '../../domain/store.js';
import type { ClockState, Delivery, DeliveryList, Info } from '../../generated/schema-types.js';
import { controlTokenHeader } from '../../http/control-token.js';
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

  private constructor(
    private readonly url: string,
    private readonly controlToken: string | undefined,
  ) {
    this.baseUrl = url;
  }

  static async connect(url: string, setup: TargetSetup, controlToken?: string): Promise<RemoteTarget> {
    const target = new RemoteTarget(url.replace(/\/+$/, ''), controlToken);
    let health: TargetResponse;
    try {
      health = await target.call('GET', '/_emulator/health');
    } catch (error) {
      throw new RemoteTargetError(`cannot reach the emulator at ${url}: ${(error as Error).message}`);
    }
    if (health.status !== 200)
      throw new RemoteTargetError(`${url}/_emulator/health answered ${health.status}`);
    const reset = await target.call('POST', '/_emulator/reset', {
      body: { seed: setup.seed, policies: setup.policies, idSeed: setup.idSeed },
    });
    if (reset.status === 401) {
      const message = (reset.body as { error?: { message?: string } } | undefined)?.error?.message;
      throw new RemoteTargetError(
        `cannot reach the control API of the emulator at ${url}: ${message ?? 'it answered 401'} (run takes --control-token or BOOKINGS_EMULATOR_CONTROL_TOKEN)`,
      );
    }
    const info = await target.call('GET', '/_emulator/info');
    if (info.status === 200) target.baseUrl = (info.body as Info).selfUrl;
    if (reset.status !== 204) {
      throw new RemoteTargetError(`the emulator at ${url} refused to reset: ${JSON.stringify(reset.body)}`);
    }
    return target;
  }

  async call(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<TargetResponse> {
    // Sent on every call: the trigger API and Graph actions ignore it, the control API may ask for it.
    const headers: Record<string, string> = {
      ...(this.controlToken === undefined ? {} : { [controlTokenHeader]: this.controlToken }),
      ...options.headers,
    };
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body };
  }

  async deliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    const query = new URLSearchParams(
      Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const response = await this.call('GET', `/_emulator/deliveries?${query}`);
    return (response.body as DeliveryList).deliveries;
  }

  private async clock(): Promise<ClockState> {
    return (await this.call('GET', '/_emulator/clock')).body as ClockState;
  }

  async now(): Promise<number> {
    return Date.parse((await this.clock()).now);
  }

  async nextTimerAt(): Promise<number | undefined> {
    const next = (await this.clock()).nextTimerAt;
    return next === undefined ? undefined : Date.parse(next);
  }

  async advanceTo(epochMs: number): Promise<void> {
    const response = await this.call('POST', '/_emulator/clock', {
      body: { to: new Date(epochMs).toISOString() },
    });
    if (response.status !== 200)
      throw new RemoteTargetError(`advancing the clock failed: ${JSON.stringify(response.body)}`);
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
