import { describe, expect, it } from 'vitest';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import type { Delivery } from '../generated/schema-types.js';
import {
  type DeliveryHarness,
  expectAllValid,
  type HarnessOptions,
  idOf,
  startHarness,
} from '../testing/delivery-harness.js';
import { expectError, expectValidPayload, oneToOneAppointment } from '../testing/http.js';
import type { TestReceiver } from '../testing/receiver.js';
import { attemptHeader, deliveryIdHeader } from './engine.js';

/**
 * Redelivery through the control API: POST /_emulator/deliveries/{id}/redeliver (keeping the id or
 * renewing it, to the original URL or another allowlisted one) and POST /_emulator/deliveries/redeliver
 * (every delivery a filter selects).
 */

/** An emulator on a virtual clock. */
function start(options: HarnessOptions = {}) {
  return startHarness({ virtualClock: true, ...options });
}

/** One delivered delivery to a new flow, settled; settling is recorded from then on. */
async function deliveredOnce(h: DeliveryHarness) {
  const { receiver } = await h.flow();
  const created = await h.create();
  const [delivery] = await h.waitForSettled(1);
  await receiver.waitFor(1);
  expect(delivery?.status).toBe('delivered');
  return { receiver, created, delivery: delivery as Delivery, settled: h.settled() };
}

/** `first` and `second` subscribed as two flows, two appointments created, their four deliveries settled. */
async function twoFlowsTwoChanges(h: DeliveryHarness, first: TestReceiver, second: TestReceiver) {
  const firstFlow = await h.subscribe(`${first.url}/first`);
  const secondFlow = await h.subscribe(`${second.url}/second`);
  await h.create();
  await h.create(oneToOneAppointment({ additionalInformation: 'Second' }));
  const originals = await h.waitForSettled(4);
  return { firstFlow, secondFlow, originals };
}

describe('redelivery', () => {
  describe('POST /_emulator/deliveries/{id}/redeliver, keeping the id', () => {
    it('sends a delivered delivery again with the same delivery id; attempt numbers go on', async () => {
      const h = await start();
      const { receiver, created, delivery, settled } = await deliveredOnce(h);

      const answered = await h.redeliverOk(delivery.deliveryId);
      expect(answered.deliveryId).toBe(delivery.deliveryId);
      expect(answered.status).toBe('pending');
      expect(answered).not.toHaveProperty('redeliveryOf');
      expect(answered.url).toBe(`${receiver.url}/flow`);

      await receiver.waitFor(2);
      const [again] = await settled.waitFor(1);
      expect(again?.deliveryId).toBe(delivery.deliveryId);
      expect(again?.status).toBe('delivered');
      expect(receiver.received.map((request) => request.headers[deliveryIdHeader])).toStrictEqual([
        delivery.deliveryId,
        delivery.deliveryId,
      ]);
      expect(receiver.received.map((request) => request.headers[attemptHeader])).toStrictEqual(['1', '2']);
      expect(receiver.received[1]?.rawBody).toBe(receiver.received[0]?.rawBody);
      expect(idOf(receiver.received[1])).toBe(created.id);
      expectAllValid(receiver);

      const deliveries = await h.journal();
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]?.status).toBe('delivered');
      expect(deliveries[0]?.attempts.map((attempt) => [attempt.attempt, attempt.outcome])).toStrictEqual([
        [1, 'delivered'],
        [2, 'delivered'],
      ]);
    });

    it('gives a failed delivery a fresh retry budget, so it can be delivered', async () => {
      // One retry per round; the flow fails three times, then recovers.
      const h = await start({ retryPolicy: '1s' });
      const { receiver } = await h.flow({ respond: (n) => ({ status: n <= 3 ? 500 : 200 }) });
      await h.create();
      const settled = h.settled();
      await receiver.waitFor(1);
      await h.drain();
      await h.clock.advanceBy(1_000);
      const [failed] = await settled.waitFor(1);
      expect(failed?.status).toBe('failed');
      expect(failed?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['retry', 'failed']);

      const answered = await h.redeliverOk(failed?.deliveryId ?? '');
      expect(answered.status).toBe('pending');
      expect(answered.attempts).toHaveLength(2);
      await receiver.waitFor(3);
      await h.drain();
      const [retrying] = await h.journal();
      expect(retrying?.status).toBe('retrying');
      expect(retrying?.attempts.map((attempt) => attempt.outcome)).toStrictEqual([
        'retry',
        'failed',
        'retry',
      ]);

      await h.clock.advanceBy(1_000);
      const [, delivered] = await settled.waitFor(2);
      expect(delivered?.status).toBe('delivered');
      expect(delivered?.attempts.map((attempt) => attempt.outcome)).toStrictEqual([
        'retry',
        'failed',
        'retry',
        'delivered',
      ]);
      expect(receiver.received.map((request) => request.headers[attemptHeader])).toStrictEqual([
        '1',
        '2',
        '3',
        '4',
      ]);
      expect(new Set(receiver.received.map((request) => request.headers[deliveryIdHeader]))).toStrictEqual(
        new Set([failed?.deliveryId]),
      );
      expectAllValid(receiver);
    });

    it('sends a delivery that a drop fault refused, and the refusal is gone', async () => {
      const h = await start();
      const { receiver } = await h.flow();
      await h.addFault({ target: 'delivery', action: 'drop' });
      await h.create();
      const [dropped] = await h.waitForSettled(1);
      expect(dropped?.refused).toEqual(expect.any(String));
      const settled = h.settled();

      const answered = await h.redeliverOk(dropped?.deliveryId ?? '');
      expect(answered).not.toHaveProperty('refused');
      await receiver.waitFor(1);
      const [delivered] = await settled.waitFor(1);
      expect(delivered?.status).toBe('delivered');
      expect(delivered).not.toHaveProperty('refused');
      expect(receiver.received[0]?.headers[deliveryIdHeader]).toBe(dropped?.deliveryId);
      expect(receiver.received[0]?.headers[attemptHeader]).toBe('1');
      expectAllValid(receiver);
    });

    it('while an attempt is still on the wire, the next attempt gets the next number', async () => {
      const h = await start();
      const holding = await h.holding();
      await h.subscribe(`${holding.url}/flow`);
      await h.create();
      await holding.waitFor(1);
      const [inFlight] = await h.journal();
      expect(inFlight?.status).toBe('pending');
      const settled = h.settled();

      await h.redeliverOk(inFlight?.deliveryId ?? '');
      // The redelivery waits for the attempt on the wire, then goes out as the next attempt.
      holding.releaseAll();
      await holding.waitFor(2);
      holding.releaseAll();
      await settled.waitFor(1);
      await h.drain();
      for (const request of holding.requests) expectValidPayload(request.body);
      expect(holding.requests.map((request) => request.headers[deliveryIdHeader])).toStrictEqual([
        inFlight?.deliveryId,
        inFlight?.deliveryId,
      ]);
      // "Keeping the delivery id (attempts go on)": two attempts of one delivery never share a number.
      expect(holding.requests.map((request) => request.headers[attemptHeader]).sort()).toStrictEqual([
        '1',
        '2',
      ]);
      const [journalled] = await h.journal();
      expect(journalled?.attempts.map((attempt) => attempt.attempt).sort()).toStrictEqual([1, 2]);
    });
  });

  describe('POST /_emulator/deliveries/{id}/redeliver with renewId', () => {
    it('creates a new delivery that names the original, with a new id and attempts from 1', async () => {
      const h = await start();
      const { receiver, created, delivery, settled } = await deliveredOnce(h);

      const renewed = await h.redeliverOk(delivery.deliveryId, { renewId: true });
      expect(renewed.deliveryId).not.toBe(delivery.deliveryId);
      expect(renewed.redeliveryOf).toBe(delivery.deliveryId);
      expect(renewed.status).toBe('pending');
      expect(renewed.attempts).toStrictEqual([]);
      expect(renewed.webhookId).toBe(delivery.webhookId);
      expect(renewed.appointmentId).toBe(created.id);
      expect(renewed.payload).toStrictEqual(delivery.payload);

      await receiver.waitFor(2);
      const [done] = await settled.waitFor(1);
      expect(done?.deliveryId).toBe(renewed.deliveryId);
      expect(done?.status).toBe('delivered');
      const second = receiver.received[1];
      expect(second?.headers[deliveryIdHeader]).toBe(renewed.deliveryId);
      expect(second?.headers[attemptHeader]).toBe('1');
      expect(second?.rawBody).toBe(receiver.received[0]?.rawBody);
      expectAllValid(receiver);

      const deliveries = await h.journal();
      expect(deliveries).toHaveLength(2);
      const original = deliveries.find((candidate) => candidate.deliveryId === delivery.deliveryId);
      const copy = deliveries.find((candidate) => candidate.deliveryId === renewed.deliveryId);
      expect(original?.attempts).toHaveLength(1);
      expect(original).not.toHaveProperty('redeliveryOf');
      expect(copy?.redeliveryOf).toBe(delivery.deliveryId);
      expect(copy?.attempts.map((attempt) => [attempt.attempt, attempt.outcome])).toStrictEqual([
        [1, 'delivered'],
      ]);
    });
  });

  describe('POST /_emulator/deliveries/{id}/redeliver to another URL', () => {
    it('refuses a URL outside the allowlist with 400 InvalidControlRequest naming the reason; sends nothing', async () => {
      const h = await start();
      const { receiver, delivery } = await deliveredOnce(h);

      for (const body of [
        { url: 'https://evil.example/' },
        { url: 'https://evil.example/', renewId: true },
      ]) {
        const response = await h.redeliver(delivery.deliveryId, body);
        expectError(response, 400, 'InvalidControlRequest');
        const { error } = response.json() as { error: { message: string; target?: string } };
        expect(error.message).toContain('https://evil.example/');
        expect(error.message).toContain('host "evil.example" matches no allowlisted pattern');
        expect(error.target).toBe('/url');
      }
      const many = await h.app.inject({
        method: 'POST',
        url: '/_emulator/deliveries/redeliver',
        payload: { url: 'https://evil.example/' },
      });
      expectError(many, 400, 'InvalidControlRequest');
      expect(many.json().error.message).toContain('matches no allowlisted pattern');

      await h.drain();
      expect(receiver.received).toHaveLength(1);
      const deliveries = await h.journal();
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]?.url).toBe(`${receiver.url}/flow`);
      expect(deliveries[0]?.attempts).toHaveLength(1);
    });

    it('delivers to another allowlisted receiver on 127.0.0.1, keeping the id', async () => {
      const h = await start();
      const elsewhere = await h.receiver();
      const { receiver, delivery, settled } = await deliveredOnce(h);

      const answered = await h.redeliverOk(delivery.deliveryId, { url: `${elsewhere.url}/moved` });
      expect(answered.deliveryId).toBe(delivery.deliveryId);
      expect(answered.url).toBe(`${elsewhere.url}/moved`);
      await elsewhere.waitFor(1);
      const [done] = await settled.waitFor(1);
      expect(done?.status).toBe('delivered');
      expect(elsewhere.received[0]?.path).toBe('/moved');
      expect(elsewhere.received[0]?.headers[deliveryIdHeader]).toBe(delivery.deliveryId);
      expect(elsewhere.received[0]?.headers[attemptHeader]).toBe('2');
      expect(elsewhere.received[0]?.rawBody).toBe(receiver.received[0]?.rawBody);
      expect(receiver.received).toHaveLength(1);
      expectAllValid(elsewhere);
    });

    it('delivers a renewed copy to another receiver, leaving the original untouched', async () => {
      const h = await start();
      const elsewhere = await h.receiver();
      const { receiver, delivery, settled } = await deliveredOnce(h);

      const renewed = await h.redeliverOk(delivery.deliveryId, {
        url: `${elsewhere.url}/copy`,
        renewId: true,
      });
      expect(renewed.url).toBe(`${elsewhere.url}/copy`);
      expect(renewed.redeliveryOf).toBe(delivery.deliveryId);
      await elsewhere.waitFor(1);
      await settled.waitFor(1);
      expect(elsewhere.received[0]?.headers[deliveryIdHeader]).toBe(renewed.deliveryId);
      expect(elsewhere.received[0]?.headers[attemptHeader]).toBe('1');
      expectAllValid(elsewhere);
      const [original] = await h.journal(`?status=delivered&appointmentId=${delivery.appointmentId}`);
      expect(original?.deliveryId).toBe(delivery.deliveryId);
      expect(original?.url).toBe(`${receiver.url}/flow`);
      expect(receiver.received).toHaveLength(1);
    });
  });

  describe('POST /_emulator/deliveries/{id}/redeliver, unknown id', () => {
    it('answers 404 DeliveryNotFound', async () => {
      const h = await start();
      const response = await h.redeliver('no-such-delivery');
      expectError(response, 404, 'DeliveryNotFound');
      expect(response.json().error.message).toContain('no-such-delivery');
      expectError(await h.redeliver('no-such-delivery', { renewId: true }), 404, 'DeliveryNotFound');
      expect(await h.journal()).toStrictEqual([]);
    });

    it('refuses a body the schema does not allow with 400', async () => {
      const h = await start();
      const { delivery } = await deliveredOnce(h);
      const response = await h.app.inject({
        method: 'POST',
        url: `/_emulator/deliveries/${delivery.deliveryId}/redeliver`,
        payload: { renewId: 'yes' },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(getSchemaRegistry().check(schemaId('error'), response.json())).toEqual([]);
    });
  });

  describe('POST /_emulator/deliveries/redeliver', () => {
    it('with a webhookId filter, sends only that flow again', async () => {
      const h = await start();
      const chosen = await h.receiver();
      const other = await h.receiver();
      const { firstFlow: chosenFlow } = await twoFlowsTwoChanges(h, chosen, other);
      await chosen.waitFor(2);
      await other.waitFor(2);
      const settled = h.settled();

      const redelivered = await h.redeliverMany({ filter: { webhookId: chosenFlow } });
      expect(redelivered).toHaveLength(2);
      expect(redelivered.every((delivery) => delivery.webhookId === chosenFlow)).toBe(true);
      expect(redelivered.every((delivery) => delivery.status === 'pending')).toBe(true);

      await chosen.waitFor(4);
      await settled.waitFor(2);
      await h.drain();
      expect(chosen.received).toHaveLength(4);
      expect(other.received).toHaveLength(2);
      expect(chosen.received.slice(2).map((request) => request.headers[attemptHeader])).toStrictEqual([
        '2',
        '2',
      ]);
      expect(
        new Set(chosen.received.slice(2).map((request) => request.headers[deliveryIdHeader])),
      ).toStrictEqual(new Set(redelivered.map((delivery) => delivery.deliveryId)));
      expectAllValid(chosen);
      expectAllValid(other);
      expect(await h.journal()).toHaveLength(4);
    });

    it('with a status filter, sends only the failed deliveries again', async () => {
      const h = await start({ retryPolicy: 'none' });
      const healthy = await h.receiver();
      // Refuses the first two deliveries, accepts everything after.
      const flaky = await h.receiver((n) => ({ status: n <= 2 ? 400 : 200 }));
      const { secondFlow: flakyFlow } = await twoFlowsTwoChanges(h, healthy, flaky);
      const failed = await h.journal('?status=failed');
      expect(failed).toHaveLength(2);
      const settled = h.settled();

      const redelivered = await h.redeliverMany({ filter: { status: 'failed' } });
      expect(redelivered.map((delivery) => delivery.deliveryId).sort()).toStrictEqual(
        failed.map((delivery) => delivery.deliveryId).sort(),
      );
      expect(redelivered.every((delivery) => delivery.webhookId === flakyFlow)).toBe(true);

      await flaky.waitFor(4);
      await settled.waitFor(2);
      await h.drain();
      expect(healthy.received).toHaveLength(2);
      expect(await h.journal('?status=failed')).toStrictEqual([]);
      expect(await h.journal('?status=delivered')).toHaveLength(4);
      expectAllValid(healthy);
      expectAllValid(flaky);
    });

    it('with renewId, creates one new delivery per selected one', async () => {
      const h = await start();
      const { receiver } = await h.flow();
      await h.create();
      await h.create(oneToOneAppointment({ additionalInformation: 'Second' }));
      const originals = await h.waitForSettled(2);
      const settled = h.settled();

      const renewed = await h.redeliverMany({ renewId: true, filter: { status: 'delivered' } });
      expect(renewed).toHaveLength(2);
      expect(renewed.map((delivery) => delivery.redeliveryOf).sort()).toStrictEqual(
        originals.map((delivery) => delivery.deliveryId).sort(),
      );
      await receiver.waitFor(4);
      await settled.waitFor(2);
      expect(receiver.received.slice(2).map((request) => request.headers[attemptHeader])).toStrictEqual([
        '1',
        '1',
      ]);
      expectAllValid(receiver);
      expect(await h.journal()).toHaveLength(4);
    });

    it.each([
      ['no body', undefined],
      ['an empty object', {}],
    ])('with %s, sends everything again', async (_label, body) => {
      const h = await start();
      const first = await h.receiver();
      const second = await h.receiver();
      const { originals } = await twoFlowsTwoChanges(h, first, second);
      await first.waitFor(2);
      await second.waitFor(2);
      const settled = h.settled();

      const redelivered = await h.redeliverMany(body);
      expect(redelivered.map((delivery) => delivery.deliveryId).sort()).toStrictEqual(
        originals.map((delivery) => delivery.deliveryId).sort(),
      );
      await first.waitFor(4);
      await second.waitFor(4);
      await settled.waitFor(4);
      expectAllValid(first);
      expectAllValid(second);
      const deliveries = await h.journal();
      expect(deliveries).toHaveLength(4);
      expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
      expect(deliveries.every((delivery) => delivery.attempts.length === 2)).toBe(true);
    });

    it('with a filter that selects nothing, sends nothing and answers an empty list', async () => {
      const h = await start();
      const { receiver } = await deliveredOnce(h);
      expect(await h.redeliverMany({ filter: { webhookId: 'no-such-flow' } })).toStrictEqual([]);
      await h.drain();
      expect(receiver.received).toHaveLength(1);
    });
  });
});
