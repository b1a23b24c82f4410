/** Fuzz commands on the emulator's own API: the clock, reset, and redelivery to another URL. */
import { FuzzCommand, pickTarget, type Target } from './command.js';
import {
  calledUrl,
  expectStatus,
  type FuzzModel,
  type FuzzReal,
  resolveUrl,
  send,
  type UrlChoice,
} from './world.js';

/** Moves the virtual clock: JWT lifetimes are judged on it. */
export class AdvanceClock extends FuzzCommand {
  constructor(readonly minutes: number) {
    super();
  }

  protected async act(model: FuzzModel, real: FuzzReal): Promise<void> {
    const byMs = this.minutes * 60_000;
    expectStatus(await send(real, { method: 'POST', url: '/_emulator/clock', payload: { byMs } }), 200);
    model.nowMs += byMs;
  }

  toString(): string {
    return `AdvanceClock(${this.minutes} min)`;
  }
}

/** Back to the seed; deliveries already owed are let out first so none is cut off by the reset. */
export class Reset extends FuzzCommand {
  protected async act(model: FuzzModel, real: FuzzReal): Promise<void> {
    await real.app.emulator.services.deliveries.drain();
    expectStatus(await send(real, { method: 'POST', url: '/_emulator/reset' }), 204);
    model.goneWebhookIds.push(...model.flows.map((flow) => flow.webhookId));
    model.flows = [];
    model.goneAppointments.push(...model.appointments);
    model.appointments = [];
  }

  toString(): string {
    return 'Reset()';
  }
}

/**
 * Sends a journaled delivery again as a new delivery (renewId), to its own URL or to another one,
 * which must pass the same allowlist as a subscription's (README, Rehearsing failure).
 */
export class Redeliver extends FuzzCommand {
  constructor(
    readonly target: Target,
    readonly url: UrlChoice | null,
  ) {
    super();
  }

  protected async act(model: FuzzModel, real: FuzzReal): Promise<void> {
    const original = pickTarget(this.target, real.app.emulator.state.store.deliveries.list(), []);
    const url = this.url === null ? undefined : resolveUrl(this.url, real.port);
    const response = await send(real, {
      method: 'POST',
      url: `/_emulator/deliveries/${original?.deliveryId ?? 'no-such-delivery'}/redeliver`,
      payload: { renewId: true, ...(url === undefined ? {} : { url }) },
    });
    if (this.url !== null && !this.url.allowed) return expectStatus(response, 400, 'InvalidControlRequest');
    if (original === undefined) return expectStatus(response, 404, 'DeliveryNotFound');
    expectStatus(response, 202);
    const { webhookId, changeType, appointmentId } = original;
    model.expected = [
      { webhookId, changeType, appointmentId, url: url === undefined ? original.url : calledUrl(url) },
    ];
  }

  toString(): string {
    return `Redeliver(${JSON.stringify(this.target)}, ${JSON.stringify(this.url?.template ?? null)})`;
  }
}
