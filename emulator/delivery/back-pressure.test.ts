import { describe, expect, it } from 'vitest';
import type { AppointmentData } from '../generated/schema-types.js';
import { expectControlShape, type HarnessOptions, startHarness } from '../testing/delivery-harness.js';
import { expectValidPayload, oneToOneAppointment } from '../testing/http.js';
import type { HoldingReceiver } from '../testing/receiver.js';
import { deliveryIdHeader } from './engine.js';

/**
 * Back-pressure (DeliveryEngine: per-origin queues, the pending limit, close): a receiver that never
 * answers holds only its own origin's queue, its deliveries wait and are never dropped, past
 * maxPendingDeliveries new ones are refused as failed, and closing aborts what is stuck.
 */

/** The n-th change of a test, told apart by its additional information. */
function change(n: number) {
  return oneToOneAppointment({ additionalInformation: `change ${n}` });
}

/** The delivery ids a receiver that never answers has been sent (and holds). */
function deliveryIdsAt(stuck: HoldingReceiver): string[] {
  return stuck.requests.map((request) => String(request.headers[deliveryIdHeader]));
}

/** An emulator (two attempts at once per origin, a minute's timeout) with one flow whose receiver never answers. */
async function startWithStuckFlow(options: HarnessOptions = {}) {
  const h = await startHarness({ deliveryTimeoutMs: 60_000, perOriginConcurrency: 2, ...options });
  const stuck = await h.holding();
  const deadFlow = await h.subscribe(`${stuck.url}/dead`);
  return { h, stuck, deadFlow };
}

describe('back-pressure', () => {
  it('a receiver that never answers holds only its own origin: the healthy flow gets all 20 changes', async () => {
    const { h, stuck, deadFlow } = await startWithStuckFlow();
    const { receiver: healthy, webhookId: healthyFlow } = await h.flow({ path: '/healthy' });

    const ids: string[] = [];
    for (let n = 1; n <= 20; n++) ids.push((await h.create(change(n))).id);

    await healthy.waitFor(20);
    const settled = await h.waitForSettled(20);
    await stuck.waitFor(2);
    expect(settled.every((delivery) => delivery.webhookId === healthyFlow)).toBe(true);
    expect(settled.every((delivery) => delivery.status === 'delivered')).toBe(true);
    expect(healthy.received.map((request) => (request.body as AppointmentData).Id).sort()).toStrictEqual(
      [...ids].sort(),
    );
    for (const request of healthy.received) expectValidPayload(request.body);

    // Two on the wire to the dead origin (its concurrency), the rest waiting their turn.
    expect(deliveryIdsAt(stuck)).toHaveLength(2);
    const waiting = await h.journal(`?webhookId=${deadFlow}`);
    expect(waiting).toHaveLength(20);
    expect(waiting.map((delivery) => delivery.status)).toStrictEqual(Array(20).fill('pending'));
    expect(waiting.filter((delivery) => delivery.refused !== undefined)).toStrictEqual([]);
    expect(new Set(waiting.map((delivery) => delivery.appointmentId))).toStrictEqual(new Set(ids));
    expect(await h.journal('?status=failed')).toStrictEqual([]);
    expect(h.app.emulator.services.deliveries.pendingCount()).toBe(20);
  });

  it('past maxPendingDeliveries, a new delivery is journaled at once as failed, refused for the limit', async () => {
    const { h, stuck } = await startWithStuckFlow({ maxPendingDeliveries: 5 });
    const settledEvents = h.settled().seen;

    for (let n = 1; n <= 5; n++) await h.create(change(n));
    await stuck.waitFor(2);
    expect(settledEvents).toStrictEqual([]);
    expect((await h.journal()).map((delivery) => delivery.status)).toStrictEqual(Array(5).fill('pending'));

    const refusedIds: string[] = [];
    for (let n = 6; n <= 7; n++) {
      const created = await h.create(change(n));
      // Journaled as failed by the time the change is answered, and settled.
      const [delivery] = await h.journal(`?appointmentId=${created.id}`);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.refused).toMatch(/limit/);
      expect(delivery?.refused).toContain('5');
      expect(delivery?.attempts).toStrictEqual([]);
      expectValidPayload(delivery?.payload);
      refusedIds.push(delivery?.deliveryId ?? '');
      expect(settledEvents.map((event) => event.deliveryId)).toStrictEqual(refusedIds);
    }
    expect(settledEvents.every((event) => event.status === 'failed' && event.refused !== undefined)).toBe(
      true,
    );
    expect(await h.waitForSettled(2)).toHaveLength(2);

    const deliveries = await h.journal();
    expect(deliveries).toHaveLength(7);
    expect(deliveries.filter((delivery) => delivery.status === 'pending')).toHaveLength(5);
    expect(h.app.emulator.services.deliveries.pendingCount()).toBe(5);
    expect(deliveryIdsAt(stuck)).toHaveLength(2);
    expect(deliveryIdsAt(stuck).some((id) => refusedIds.includes(id))).toBe(false);
  });

  it('a redelivery with renewId is a new delivery: past the limit it is refused too', async () => {
    const { h, stuck } = await startWithStuckFlow({ maxPendingDeliveries: 2 });
    for (let n = 1; n <= 2; n++) await h.create(change(n));
    await stuck.waitFor(2);
    const refused = await h.create(change(3));
    expect((await h.journal(`?appointmentId=${refused.id}`))[0]?.refused).toMatch(/limit/);
    const [waiting] = await h.journal('?status=pending');

    const renewed = await h.redeliverOk(waiting?.deliveryId ?? '', { renewId: true });
    expect(renewed.redeliveryOf).toBe(waiting?.deliveryId);
    const [journalled] = (await h.journal()).filter((delivery) => delivery.deliveryId === renewed.deliveryId);
    expect(journalled?.status).toBe('failed');
    expect(journalled?.refused).toMatch(/limit/);
    expect(h.app.emulator.services.deliveries.pendingCount()).toBe(2);
  });

  it('close() finishes with attempts stuck on a dead receiver, recording that the emulator was stopping', async () => {
    const { h, stuck } = await startWithStuckFlow();
    const attempts = h.attempts().seen;
    const settled = h.settled().seen;

    for (let n = 1; n <= 3; n++) await h.create(change(n));
    await stuck.waitFor(2);

    // The drain bound passes (nothing answers), then the stuck attempts are aborted.
    await h.app.emulator.services.deliveries.close(200);

    const stuckIds = deliveryIdsAt(stuck);
    const deliveries = h.app.emulator.state.store.deliveries.list();
    expect(deliveries).toHaveLength(3);
    const aborted = deliveries.filter((delivery) => stuckIds.includes(delivery.deliveryId));
    expect(aborted).toHaveLength(2);
    for (const delivery of aborted) {
      expect(delivery.status).toBe('failed');
      expect(delivery).not.toHaveProperty('nextAttemptAt');
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0]?.outcome).toBe('failed');
      expect(delivery.attempts[0]?.error).toContain('the emulator was stopping');
      expect(delivery.attempts[0]).not.toHaveProperty('responseStatus');
      expectControlShape('Delivery', delivery);
    }
    expect(attempts.map((seen) => seen.deliveryId).sort()).toStrictEqual([...stuckIds].sort());
    expect(attempts.every((seen) => seen.attempt.error?.includes('the emulator was stopping'))).toBe(true);
    expect(settled.map((delivery) => delivery.deliveryId).sort()).toStrictEqual([...stuckIds].sort());
    // The one that never got a turn was not sent and stays in the journal, unsettled.
    const neverSent = deliveries.filter((delivery) => !stuckIds.includes(delivery.deliveryId));
    expect(neverSent.map((delivery) => [delivery.status, delivery.attempts.length])).toStrictEqual([
      ['pending', 0],
    ]);
    expect(stuckIds).toHaveLength(2);

    // The app closes after its engine has: closing twice is harmless.
    await h.app.close();
  });
});
