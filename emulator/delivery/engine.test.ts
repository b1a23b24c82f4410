import { describe, expect, it } from 'vitest';
import type { AppointmentData } from '../generated/schema-types.js';
import {
  at,
  expectAllValid,
  type HarnessOptions,
  startHarness,
  startWithFlow,
} from '../testing/delivery-harness.js';
import { expectError, oneToOneAppointment, triggerBase } from '../testing/http.js';
import { adminAuth, clinic, clinicAppointment, clinicAuth, lunch } from '../testing/seed.js';
import { attemptHeader, deliveryIdHeader } from './engine.js';

/**
 * The delivery engine through the app (docs/contract.md (The callback) delivery policy): routing by mailbox and
 * change type, headers, retries on a virtual clock, and the journal at GET /_emulator/deliveries.
 */

/** A virtual-clock emulator with one flow whose receiver answers every request with `status`. */
function flowAlwaysAnswering(status: number, options: HarnessOptions = {}) {
  return startWithFlow({ virtualClock: true, ...options, respond: () => ({ status }) });
}

describe('delivery engine', () => {
  describe('routing', () => {
    it('sends Created, Updated and Deleted each to the matching subscriptions of the mailbox only', async () => {
      const h = await startHarness();
      const receiver = await h.receiver();
      const other = await h.receiver();
      for (const changeType of ['Created', 'Updated', 'Deleted'] as const) {
        await h.subscribe(`${receiver.url}/${changeType.toLowerCase()}`, { changeType });
      }
      for (const changeType of ['Created', 'Updated', 'Deleted'] as const) {
        await h.subscribe(`${other.url}/clinic-${changeType}`, {
          changeType,
          mailbox: clinic,
          headers: clinicAuth,
        });
      }

      const created = await h.create();
      await receiver.waitFor(1);
      expect(receiver.received.map((request) => request.path)).toStrictEqual(['/created']);

      const patched = await h.patch(created.id, { additionalInformation: 'Moved to room 2' });
      expect(patched.statusCode, patched.body).toBe(200);
      await receiver.waitFor(2);
      expect(receiver.received[1]?.path).toBe('/updated');

      const cancelled = await h.cancel(created.id, 'Closed today');
      expect(cancelled.statusCode, cancelled.body).toBe(204);
      await receiver.waitFor(3);
      await h.waitForSettled(3);

      expect(receiver.received.map((request) => request.path)).toStrictEqual([
        '/created',
        '/updated',
        '/deleted',
      ]);
      expectAllValid(receiver);
      for (const request of receiver.received) expect((request.body as AppointmentData).Id).toBe(created.id);
      expect((receiver.received[1]?.body as AppointmentData | undefined)?.AdditionalInfo).toBe(
        'Moved to room 2',
      );

      const deliveries = await h.journal();
      expect(deliveries.map((delivery) => delivery.changeType)).toStrictEqual([
        'Created',
        'Updated',
        'Deleted',
      ]);
      expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
      expect(await h.journal(`?mailbox=${encodeURIComponent(clinic)}`)).toStrictEqual([]);
      expect(other.received).toHaveLength(0);
    });

    it("a change in another mailbox reaches only that mailbox's flows", async () => {
      const h = await startHarness();
      const { receiver: lunchReceiver } = await h.flow({ path: '/lunch' });
      const { receiver: clinicReceiver } = await h.clinicFlow();
      const created = await h.create(clinicAppointment(), clinic);
      const deliveries = await h.journal();
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]?.mailbox).toBe(clinic);
      await h.waitForSettled(1);
      await clinicReceiver.waitFor(1);
      expectAllValid(clinicReceiver);
      expect((clinicReceiver.received[0]?.body as AppointmentData | undefined)?.Id).toBe(created.id);
      expect(lunchReceiver.received).toHaveLength(0);
    });

    it('five flows on one mailbox each get exactly one delivery', async () => {
      const h = await startHarness();
      const receiver = await h.receiver();
      const webhookIds: string[] = [];
      for (let n = 1; n <= 5; n++) webhookIds.push(await h.subscribe(`${receiver.url}/flow${n}`));
      const created = await h.create();
      const settled = await h.waitForSettled(5);
      await receiver.waitFor(5);
      expect(settled.every((delivery) => delivery.status === 'delivered')).toBe(true);
      expect(receiver.received.map((request) => request.path).sort()).toStrictEqual([
        '/flow1',
        '/flow2',
        '/flow3',
        '/flow4',
        '/flow5',
      ]);
      expectAllValid(receiver);
      const deliveries = await h.journal();
      expect(deliveries).toHaveLength(5);
      expect(new Set(deliveries.map((delivery) => delivery.webhookId))).toStrictEqual(new Set(webhookIds));
      expect(new Set(deliveries.map((delivery) => delivery.deliveryId)).size).toBe(5);
      expect(deliveries.every((delivery) => delivery.appointmentId === created.id)).toBe(true);
    });

    it('a deleted flow gets nothing', async () => {
      const h = await startHarness();
      const receiver = await h.receiver();
      const kept = await h.subscribe(`${receiver.url}/kept`);
      const removed = await h.subscribe(`${receiver.url}/removed`);
      const response = await h.app.inject({
        method: 'DELETE',
        url: `${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/${removed}`,
        headers: adminAuth,
      });
      expect(response.statusCode, response.body).toBe(200);
      await h.create();
      const deliveries = await h.journal();
      expect(deliveries.map((delivery) => delivery.webhookId)).toStrictEqual([kept]);
      await h.waitForSettled(1);
      expect(receiver.received.map((request) => request.path)).toStrictEqual(['/kept']);
    });
  });

  describe('requests and retries (default logic-apps policy on a virtual clock)', () => {
    it('retries 500, 500 then delivers: 3 requests, stable delivery id, attempts 1-2-3, 5 s then 10 s', async () => {
      const { h, attempts, receiver } = await startWithFlow({
        virtualClock: true,
        respond: (n) => ({ status: n <= 2 ? 500 : 200 }),
      });
      const created = await h.create();

      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.responseStatus).toBe(500);
      expect(first?.attempt.startedAt).toBe(at(0));
      expect(first?.status).toBe('retrying');
      expect(first?.nextAttemptAt).toBe(at(5_000));
      expect(receiver.received).toHaveLength(1);

      // Not yet due: the retry timer is still waiting.
      await h.clock.advanceBy(4_999);
      expect(h.clock.pendingTimers()).toBe(1);
      expect(attempts.seen).toHaveLength(1);
      await h.clock.advanceBy(1);

      const second = (await attempts.waitFor(2))[1];
      expect(second?.attempt.outcome).toBe('retry');
      expect(second?.attempt.startedAt).toBe(at(5_000));
      expect(second?.nextAttemptAt).toBe(at(15_000));

      const advanced = await h.app.inject({
        method: 'POST',
        url: '/_emulator/clock',
        payload: { byMs: 10_000 },
      });
      expect(advanced.statusCode, advanced.body).toBe(200);
      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('delivered');
      await receiver.waitFor(3);
      expect(receiver.received).toHaveLength(3);
      expectAllValid(receiver);

      const deliveryIds = receiver.received.map((request) => request.headers[deliveryIdHeader]);
      expect(deliveryIds[0]).toEqual(expect.any(String));
      expect(new Set(deliveryIds).size).toBe(1);
      expect(deliveryIds[0]).toBe(delivery?.deliveryId);
      expect(receiver.received.map((request) => request.headers[attemptHeader])).toStrictEqual([
        '1',
        '2',
        '3',
      ]);
      for (const request of receiver.received) {
        expect(request.headers['content-type']).toBe('application/json');
        expect(request.rawBody).toBe(receiver.received[0]?.rawBody);
      }

      const [journalled] = await h.journal();
      expect(journalled?.status).toBe('delivered');
      expect(journalled?.appointmentId).toBe(created.id);
      expect(journalled).not.toHaveProperty('nextAttemptAt');
      expect(journalled?.attempts.map((attempt) => attempt.outcome)).toStrictEqual([
        'retry',
        'retry',
        'delivered',
      ]);
      expect(journalled?.attempts.map((attempt) => attempt.responseStatus)).toStrictEqual([500, 500, 200]);
      expect(journalled?.attempts.map((attempt) => attempt.startedAt)).toStrictEqual([
        at(0),
        at(5_000),
        at(15_000),
      ]);
      expect(journalled?.attempts.map((attempt) => attempt.requestHeaders[attemptHeader])).toStrictEqual([
        '1',
        '2',
        '3',
      ]);
      for (const attempt of journalled?.attempts ?? []) {
        expect(attempt.requestHeaders[deliveryIdHeader]).toBe(journalled?.deliveryId);
        expect(attempt.requestHeaders['content-type']).toBe('application/json');
        expect(JSON.parse(attempt.requestBody)).toStrictEqual(receiver.received[0]?.body);
      }
      expect(journalled?.attempts[0]?.responseBodyExcerpt).toBe('receiver says no');
    });

    it('gives up after 4 retries (5 attempts) when the flow always answers 503', async () => {
      const { h, attempts, receiver } = await flowAlwaysAnswering(503);
      await h.create();

      const expectedDelays = [5_000, 10_000, 20_000, 40_000];
      let elapsed = 0;
      for (const [index, delay] of expectedDelays.entries()) {
        const seen = (await attempts.waitFor(index + 1))[index];
        expect(seen?.attempt.outcome).toBe('retry');
        expect(seen?.attempt.startedAt).toBe(at(elapsed));
        expect(seen?.nextAttemptAt).toBe(at(elapsed + delay));
        await h.clock.advanceBy(delay);
        elapsed += delay;
      }
      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('failed');
      expect(receiver.received).toHaveLength(5);
      expectAllValid(receiver);
      expect(receiver.received.map((request) => request.headers[attemptHeader])).toStrictEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
      ]);
      expect(h.clock.pendingTimers()).toBe(0);
      const [journalled] = await h.journal();
      expect(journalled?.status).toBe('failed');
      expect(journalled).not.toHaveProperty('nextAttemptAt');
      expect(journalled?.attempts.map((attempt) => attempt.outcome)).toStrictEqual([
        'retry',
        'retry',
        'retry',
        'retry',
        'failed',
      ]);
      expect(journalled?.attempts.every((attempt) => attempt.responseStatus === 503)).toBe(true);
    });

    it('runs every retry that falls due when the clock jumps far ahead in one step', async () => {
      const { h, attempts, receiver } = await flowAlwaysAnswering(503);
      await h.create();
      await attempts.waitFor(1);
      // The whole logic-apps schedule is 5 + 10 + 20 + 40 = 75 s; one jump of an hour covers it.
      const advanced = await h.app.inject({
        method: 'POST',
        url: '/_emulator/clock',
        payload: { byMs: 60 * 60 * 1000 },
      });
      expect(advanced.statusCode, advanced.body).toBe(200);
      // Each retry is due at its own instant (5 s, 15 s, 35 s, 75 s), all inside the jump.
      const second = (await attempts.waitFor(2))[1];
      expect(second?.attempt.startedAt).toBe(at(5_000));
      expect(second?.nextAttemptAt, 'the third attempt is due 10 s after the second').toBe(at(15_000));
      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts.map((attempt) => attempt.startedAt)).toStrictEqual([
        at(0),
        at(5_000),
        at(15_000),
        at(35_000),
        at(75_000),
      ]);
      expect(receiver.received).toHaveLength(5);
      expectAllValid(receiver);
    });

    it('POST /_emulator/reset drops a pending retry', async () => {
      const { h, attempts, receiver } = await flowAlwaysAnswering(503);
      await h.create();
      await attempts.waitFor(1);
      expect(h.clock.pendingTimers()).toBe(1);
      const reset = await h.app.inject({ method: 'POST', url: '/_emulator/reset' });
      expect(reset.statusCode).toBe(204);
      expect(h.clock.pendingTimers()).toBe(0);
      expect(await h.journal()).toStrictEqual([]);
      await h.clock.advanceBy(60 * 60 * 1000);
      expect(attempts.seen).toHaveLength(1);
      expect(receiver.received).toHaveLength(1);
      expectAllValid(receiver);
    });

    it('does not retry a 400', async () => {
      const { h, receiver } = await flowAlwaysAnswering(400);
      await h.create();
      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['failed']);
      expect(delivery?.attempts[0]?.responseStatus).toBe(400);
      expect(h.clock.pendingTimers()).toBe(0);
      await h.clock.advanceBy(60 * 60 * 1000);
      expect(receiver.received).toHaveLength(1);
      expectAllValid(receiver);
    });

    it.each([408, 429, 500, 502, 503, 504])('retries a %i', async (status) => {
      const { h, attempts, receiver } = await startWithFlow({
        virtualClock: true,
        respond: (n) => ({ status: n === 1 ? status : 200 }),
      });
      await h.create();
      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.responseStatus).toBe(status);
      expect(first?.nextAttemptAt).toBe(at(5_000));
      await h.clock.advanceBy(5_000);
      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('delivered');
      expect(delivery?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['retry', 'delivered']);
      expect(receiver.received).toHaveLength(2);
      expectAllValid(receiver);
    });

    it('honours Retry-After: 30 on a 429', async () => {
      const { h, attempts, receiver } = await startWithFlow({
        virtualClock: true,
        respond: (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 200 }),
      });
      await h.create();
      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.nextAttemptAt).toBe(at(30_000));

      await h.clock.advanceBy(29_999);
      expect(h.clock.pendingTimers()).toBe(1);
      expect(attempts.seen).toHaveLength(1);
      await h.clock.advanceBy(1);

      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('delivered');
      expect(delivery?.attempts.map((attempt) => attempt.startedAt)).toStrictEqual([at(0), at(30_000)]);
      expect(receiver.received).toHaveLength(2);
      expectAllValid(receiver);
    });

    it('does not follow a 302 redirect', async () => {
      const h = await startHarness({ virtualClock: true });
      const elsewhere = await h.receiver();
      const { receiver } = await h.flow({
        respond: () => ({ status: 302, headers: { location: `${elsewhere.url}/stolen` } }),
      });
      await h.create();
      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts).toHaveLength(1);
      expect(delivery?.attempts[0]?.responseStatus).toBe(302);
      expect(delivery?.attempts[0]?.outcome).toBe('failed');
      expect(delivery?.attempts[0]?.error).toContain('redirect');
      expect(h.clock.pendingTimers()).toBe(0);
      expect(receiver.received).toHaveLength(1);
      expectAllValid(receiver);
      expect(elsewhere.received).toHaveLength(0);
    });

    it('retries a refused connection and records the error', async () => {
      const h = await startHarness({ virtualClock: true, retryPolicy: '1s' });
      const attempts = h.attempts();
      await h.subscribe(await h.refusedUrl());
      await h.create();

      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.error).toMatch(/ECONNREFUSED/);
      expect(first?.attempt).not.toHaveProperty('responseStatus');
      expect(first?.nextAttemptAt).toBe(at(1_000));
      await h.clock.advanceBy(1_000);

      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('failed');
      const [journalled] = await h.journal();
      expect(journalled?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['retry', 'failed']);
      for (const attempt of journalled?.attempts ?? []) {
        expect(attempt.error).toEqual(expect.any(String));
        expect(attempt.error?.length).toBeGreaterThan(0);
        expect(attempt).not.toHaveProperty('responseStatus');
      }
    });

    it('retries a refused connection under the default policy after 5 s', async () => {
      const h = await startHarness({ virtualClock: true });
      const attempts = h.attempts();
      await h.subscribe(await h.refusedUrl());
      await h.create();
      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.error).toEqual(expect.any(String));
      expect(first?.nextAttemptAt).toBe(at(5_000));
      const [journalled] = await h.journal();
      expect(journalled?.status).toBe('retrying');
      expect(journalled?.nextAttemptAt).toBe(at(5_000));
      expect(journalled?.attempts[0]?.error).toMatch(/ECONNREFUSED/);
    });

    it('gives up on a receiver that never answers after deliveryTimeoutMs and says so', async () => {
      const h = await startHarness({ virtualClock: true, retryPolicy: 'none', deliveryTimeoutMs: 300 });
      const silent = await h.holding();
      await h.subscribe(`${silent.url}/flow`);
      await h.create();
      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts[0]?.error).toMatch(/timed out after 300 ms/);
      expect(delivery?.attempts[0]).not.toHaveProperty('responseStatus');
    });

    it('close() cuts an attempt still on the wire after its drain time and journals why', async () => {
      const h = await startHarness({ virtualClock: true, deliveryTimeoutMs: 60_000 });
      const attempts = h.attempts();
      const silent = await h.holding();
      await h.subscribe(`${silent.url}/flow`);
      await h.create();
      await silent.waitFor(1);
      await h.app.emulator.services.deliveries.close(50);
      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.error).toMatch(/aborted: the emulator was stopping$/);
    });

    it("retryPolicy 'none' never retries", async () => {
      const { h, receiver } = await flowAlwaysAnswering(500, { retryPolicy: 'none' });
      await h.create();
      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['failed']);
      expect(h.clock.pendingTimers()).toBe(0);
      await h.clock.advanceBy(60 * 60 * 1000);
      expect(receiver.received).toHaveLength(1);
      expectAllValid(receiver);
    });

    it("a custom retryPolicy '1s,2s' retries twice, 1 s then 2 s apart", async () => {
      const { h, attempts, receiver } = await flowAlwaysAnswering(500, { retryPolicy: '1s,2s' });
      await h.create();

      const [first] = await attempts.waitFor(1);
      expect(first?.nextAttemptAt).toBe(at(1_000));
      await h.clock.advanceBy(1_000);
      const second = (await attempts.waitFor(2))[1];
      expect(second?.attempt.startedAt).toBe(at(1_000));
      expect(second?.nextAttemptAt).toBe(at(3_000));
      await h.clock.advanceBy(2_000);

      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts.map((attempt) => attempt.outcome)).toStrictEqual([
        'retry',
        'retry',
        'failed',
      ]);
      expect(delivery?.attempts.map((attempt) => attempt.startedAt)).toStrictEqual([
        at(0),
        at(1_000),
        at(3_000),
      ]);
      expect(receiver.received).toHaveLength(3);
      expectAllValid(receiver);
    });
  });

  describe('the journal, GET /_emulator/deliveries', () => {
    it('validates against DeliveryList and filters by webhookId, mailbox, status and appointmentId', async () => {
      const h = await startHarness({ retryPolicy: 'none' });
      const { receiver: ok, webhookId: okHook } = await h.flow({ path: '/ok' });
      const { receiver: failing, webhookId: failingHook } = await h.flow({
        path: '/failing',
        respond: () => ({ status: 400 }),
      });
      const { receiver: clinicReceiver, webhookId: clinicHook } = await h.clinicFlow();

      const first = await h.create();
      const second = await h.create(oneToOneAppointment({ additionalInformation: 'Second' }));
      const third = await h.create(clinicAppointment(), clinic);
      await h.waitForSettled(5);
      expectAllValid(ok);
      expectAllValid(failing);
      expectAllValid(clinicReceiver);

      const all = await h.journal();
      expect(all).toHaveLength(5);

      const byOk = await h.journal(`?webhookId=${okHook}`);
      expect(byOk.map((delivery) => delivery.appointmentId).sort()).toStrictEqual(
        [first.id, second.id].sort(),
      );
      expect(byOk.every((delivery) => delivery.webhookId === okHook)).toBe(true);
      expect((await h.journal(`?webhookId=${failingHook}`)).map((d) => d.webhookId)).toStrictEqual([
        failingHook,
        failingHook,
      ]);

      const byClinic = await h.journal(`?mailbox=${encodeURIComponent(clinic)}`);
      expect(byClinic.map((delivery) => [delivery.webhookId, delivery.appointmentId])).toStrictEqual([
        [clinicHook, third.id],
      ]);
      expect(await h.journal(`?mailbox=${encodeURIComponent(lunch)}`)).toHaveLength(4);

      const failed = await h.journal('?status=failed');
      expect(failed).toHaveLength(2);
      expect(failed.every((delivery) => delivery.webhookId === failingHook)).toBe(true);
      expect(await h.journal('?status=delivered')).toHaveLength(3);
      expect(await h.journal('?status=retrying')).toStrictEqual([]);
      expect(await h.journal('?status=pending')).toStrictEqual([]);

      const byAppointment = await h.journal(`?appointmentId=${first.id}`);
      expect(byAppointment).toHaveLength(2);
      expect(new Set(byAppointment.map((delivery) => delivery.webhookId))).toStrictEqual(
        new Set([okHook, failingHook]),
      );

      const combined = await h.journal(`?appointmentId=${second.id}&status=failed`);
      expect(combined.map((delivery) => [delivery.webhookId, delivery.appointmentId])).toStrictEqual([
        [failingHook, second.id],
      ]);
      expect(await h.journal('?webhookId=no-such-webhook')).toStrictEqual([]);
    });

    it('shows a retrying delivery with nextAttemptAt, valid against DeliveryList', async () => {
      const { h, attempts } = await flowAlwaysAnswering(503);
      await h.create();
      await attempts.waitFor(1);
      const retrying = await h.journal('?status=retrying');
      expect(retrying).toHaveLength(1);
      expect(retrying[0]?.nextAttemptAt).toBe(at(5_000));
      expect(await h.journal('?status=failed')).toStrictEqual([]);
    });

    it('answers 400 InvalidControlRequest to an unknown status filter', async () => {
      const h = await startHarness();
      const response = await h.app.inject({ method: 'GET', url: '/_emulator/deliveries?status=lost' });
      expectError(response, 400, 'InvalidControlRequest');
    });
  });
});
