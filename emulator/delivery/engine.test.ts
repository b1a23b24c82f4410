import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../config/options.js';
import type { VirtualClock } from '../core/clock.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import type {
  AppointmentData,
  BookingAppointment,
  ChangeType,
  Delivery,
  DeliveryAttempt,
  DeliveryList,
} from '../generated/schema-types.js';
import { waitForSettled } from '../testing/deliveries.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  expectValidPayload,
  oneToOneAppointment,
  subscribe,
} from '../testing/http.js';
import { type ReceivedRequest, TestReceiver } from '../testing/receiver.js';
import { clinic, lunch } from '../testing/seed.js';
import { attemptHeader, deliveryIdHeader } from './engine.js';

/**
 * The delivery engine through the app (docs/contract.md (The callback) delivery policy): routing by mailbox and
 * change type, headers, retries on a virtual clock, and the journal at GET /_emulator/deliveries.
 */

type Created = BookingAppointment & { id: string };
type Responder = (
  n: number,
  request: ReceivedRequest,
) => { status: number; headers?: Record<string, string> };

const virtualStart = '2026-01-05T08:00:00.000Z';
const virtualStartMs = Date.parse(virtualStart);
const clinicAuth = { authorization: 'Bearer other-admin-tok1' };

function appointmentsPath(mailbox = lunch): string {
  return `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(mailbox)}/appointments`;
}

function clinicAppointment() {
  return {
    serviceId: 'checkup',
    startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
    customers: [{ name: 'Pat Patient', emailAddress: 'pat@example.com' }],
  };
}

/** What the engine reported for one attempt, copied at the moment it was reported. */
interface SeenAttempt {
  deliveryId: string;
  attempt: DeliveryAttempt;
  status: Delivery['status'];
  nextAttemptAt: string | undefined;
}

/** Records every 'delivery:attempt' event, so a test can wait for an attempt that leads to a retry. */
function recordAttempts(app: FastifyInstance) {
  const seen: SeenAttempt[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  app.emulator.events.on('delivery:attempt', (delivery, attempt) => {
    seen.push({
      deliveryId: delivery.deliveryId,
      attempt: structuredClone(attempt),
      status: delivery.status,
      nextAttemptAt: delivery.nextAttemptAt,
    });
    for (const waiter of [...waiters]) {
      if (seen.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  return {
    seen,
    waitFor(count: number, timeoutMs = 10_000): Promise<SeenAttempt[]> {
      if (seen.length >= count) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} attempts, got ${seen.length} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(seen);
          },
        });
      });
    },
  };
}

function at(offsetMs: number): string {
  return new Date(virtualStartMs + offsetMs).toISOString();
}

describe('delivery engine', () => {
  let app: FastifyInstance | undefined;
  const receivers: TestReceiver[] = [];

  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  async function start(options: EmulatorOptions = {}): Promise<FastifyInstance> {
    app = await buildTestApp(options);
    return app;
  }

  async function startVirtual(options: EmulatorOptions = {}): Promise<FastifyInstance> {
    return start({ clock: { virtualStart }, ...options });
  }

  async function newReceiver(respond?: Responder): Promise<TestReceiver> {
    const receiver = await new TestReceiver(respond).start();
    receivers.push(receiver);
    return receiver;
  }

  async function subscribeOk(
    target: FastifyInstance,
    url: string,
    options: { changeType?: ChangeType; mailbox?: string; headers?: Record<string, string> } = {},
  ): Promise<string> {
    const response = await subscribe(target, url, options);
    const changeType = options.changeType ?? 'Created';
    expect(response.statusCode, response.body).toBe(changeType === 'Created' ? 200 : 201);
    const location = response.headers.location;
    expect(location).toEqual(expect.any(String));
    return decodeURIComponent(String(location).split('/').pop() ?? '');
  }

  async function create(target: FastifyInstance, body: object = oneToOneAppointment(), mailbox = lunch) {
    const response = await createAppointment(target, body, mailbox);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as Created;
  }

  function clockOf(target: FastifyInstance): VirtualClock {
    return target.emulator.clock as VirtualClock;
  }

  async function journal(target: FastifyInstance, query = ''): Promise<Delivery[]> {
    const response = await target.inject({ method: 'GET', url: `/_emulator/deliveries${query}` });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as DeliveryList;
    expect(getSchemaRegistry().check(schemaId('control-api', '#/$defs/DeliveryList'), body)).toEqual([]);
    return body.deliveries;
  }

  function expectAllValid(receiver: TestReceiver): void {
    for (const request of receiver.received) expectValidPayload(request.body);
  }

  describe('routing', () => {
    it('sends Created, Updated and Deleted each to the matching subscriptions of the mailbox only', async () => {
      const target = await start();
      const receiver = await newReceiver();
      const other = await newReceiver();
      await subscribeOk(target, `${receiver.url}/created`, { changeType: 'Created' });
      await subscribeOk(target, `${receiver.url}/updated`, { changeType: 'Updated' });
      await subscribeOk(target, `${receiver.url}/deleted`, { changeType: 'Deleted' });
      for (const changeType of ['Created', 'Updated', 'Deleted'] as const) {
        await subscribeOk(target, `${other.url}/clinic-${changeType}`, {
          changeType,
          mailbox: clinic,
          headers: clinicAuth,
        });
      }

      const created = await create(target);
      await receiver.waitFor(1);
      expect(receiver.received.map((request) => request.path)).toStrictEqual(['/created']);

      const patched = await target.inject({
        method: 'PATCH',
        url: `${appointmentsPath()}/${created.id}`,
        payload: { additionalInformation: 'Moved to room 2' },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      await receiver.waitFor(2);
      expect(receiver.received[1]?.path).toBe('/updated');

      const cancelled = await target.inject({
        method: 'POST',
        url: `${appointmentsPath()}/${created.id}/cancel`,
        payload: { cancellationMessage: 'Closed today' },
      });
      expect(cancelled.statusCode, cancelled.body).toBe(204);
      await receiver.waitFor(3);
      await waitForSettled(target, 3);

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

      const deliveries = await journal(target);
      expect(deliveries.map((delivery) => delivery.changeType)).toStrictEqual([
        'Created',
        'Updated',
        'Deleted',
      ]);
      expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
      expect(await journal(target, `?mailbox=${encodeURIComponent(clinic)}`)).toStrictEqual([]);
      expect(other.received).toHaveLength(0);
    });

    it("a change in another mailbox reaches only that mailbox's flows", async () => {
      const target = await start();
      const lunchReceiver = await newReceiver();
      const clinicReceiver = await newReceiver();
      await subscribeOk(target, `${lunchReceiver.url}/lunch`);
      await subscribeOk(target, `${clinicReceiver.url}/clinic`, { mailbox: clinic, headers: clinicAuth });
      const created = await create(target, clinicAppointment(), clinic);
      const deliveries = await journal(target);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]?.mailbox).toBe(clinic);
      await waitForSettled(target, 1);
      await clinicReceiver.waitFor(1);
      expectAllValid(clinicReceiver);
      expect((clinicReceiver.received[0]?.body as AppointmentData | undefined)?.Id).toBe(created.id);
      expect(lunchReceiver.received).toHaveLength(0);
    });

    it('five flows on one mailbox each get exactly one delivery', async () => {
      const target = await start();
      const receiver = await newReceiver();
      const webhookIds: string[] = [];
      for (let n = 1; n <= 5; n++) webhookIds.push(await subscribeOk(target, `${receiver.url}/flow${n}`));
      const created = await create(target);
      const settled = await waitForSettled(target, 5);
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
      const deliveries = await journal(target);
      expect(deliveries).toHaveLength(5);
      expect(new Set(deliveries.map((delivery) => delivery.webhookId))).toStrictEqual(new Set(webhookIds));
      expect(new Set(deliveries.map((delivery) => delivery.deliveryId)).size).toBe(5);
      expect(deliveries.every((delivery) => delivery.appointmentId === created.id)).toBe(true);
    });

    it('a deleted flow gets nothing', async () => {
      const target = await start();
      const receiver = await newReceiver();
      const kept = await subscribeOk(target, `${receiver.url}/kept`);
      const removed = await subscribeOk(target, `${receiver.url}/removed`);
      const response = await target.inject({
        method: 'DELETE',
        url: `/BookingsService/api/V1/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/${removed}`,
        headers: { authorization: 'Bearer admin-token-0001' },
      });
      expect(response.statusCode, response.body).toBe(200);
      await create(target);
      const deliveries = await journal(target);
      expect(deliveries.map((delivery) => delivery.webhookId)).toStrictEqual([kept]);
      await waitForSettled(target, 1);
      expect(receiver.received.map((request) => request.path)).toStrictEqual(['/kept']);
    });
  });

  describe('requests and retries (default logic-apps policy on a virtual clock)', () => {
    it('retries 500, 500 then delivers: 3 requests, stable delivery id, attempts 1-2-3, 5 s then 10 s', async () => {
      const target = await startVirtual();
      const attempts = recordAttempts(target);
      const receiver = await newReceiver((n) => ({ status: n <= 2 ? 500 : 200 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      const created = await create(target);

      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.responseStatus).toBe(500);
      expect(first?.attempt.startedAt).toBe(at(0));
      expect(first?.status).toBe('retrying');
      expect(first?.nextAttemptAt).toBe(at(5_000));
      expect(receiver.received).toHaveLength(1);

      // Not yet due: the retry timer is still waiting.
      await clockOf(target).advanceBy(4_999);
      expect(target.emulator.clock.pendingTimers()).toBe(1);
      expect(attempts.seen).toHaveLength(1);
      await clockOf(target).advanceBy(1);

      const second = (await attempts.waitFor(2))[1];
      expect(second?.attempt.outcome).toBe('retry');
      expect(second?.attempt.startedAt).toBe(at(5_000));
      expect(second?.nextAttemptAt).toBe(at(15_000));

      const advanced = await target.inject({
        method: 'POST',
        url: '/_emulator/clock',
        payload: { byMs: 10_000 },
      });
      expect(advanced.statusCode, advanced.body).toBe(200);
      const [delivery] = await waitForSettled(target, 1);
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

      const [journalled] = await journal(target);
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
      const target = await startVirtual();
      const attempts = recordAttempts(target);
      const receiver = await newReceiver(() => ({ status: 503 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);

      const expectedDelays = [5_000, 10_000, 20_000, 40_000];
      let elapsed = 0;
      for (const [index, delay] of expectedDelays.entries()) {
        const seen = (await attempts.waitFor(index + 1))[index];
        expect(seen?.attempt.outcome).toBe('retry');
        expect(seen?.attempt.startedAt).toBe(at(elapsed));
        expect(seen?.nextAttemptAt).toBe(at(elapsed + delay));
        await clockOf(target).advanceBy(delay);
        elapsed += delay;
      }
      const [delivery] = await waitForSettled(target, 1);
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
      expect(target.emulator.clock.pendingTimers()).toBe(0);
      const [journalled] = await journal(target);
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
      const target = await startVirtual();
      const receiver = await newReceiver(() => ({ status: 503 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      const attempts = recordAttempts(target);
      await create(target);
      await attempts.waitFor(1);
      // The whole logic-apps schedule is 5 + 10 + 20 + 40 = 75 s; one jump of an hour covers it.
      const advanced = await target.inject({
        method: 'POST',
        url: '/_emulator/clock',
        payload: { byMs: 60 * 60 * 1000 },
      });
      expect(advanced.statusCode, advanced.body).toBe(200);
      // Each retry is due at its own instant (5 s, 15 s, 35 s, 75 s), all inside the jump.
      const second = (await attempts.waitFor(2))[1];
      expect(second?.attempt.startedAt).toBe(at(5_000));
      expect(second?.nextAttemptAt, 'the third attempt is due 10 s after the second').toBe(at(15_000));
      const [delivery] = await waitForSettled(target, 1);
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
      const target = await startVirtual();
      const attempts = recordAttempts(target);
      const receiver = await newReceiver(() => ({ status: 503 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);
      await attempts.waitFor(1);
      expect(target.emulator.clock.pendingTimers()).toBe(1);
      const reset = await target.inject({ method: 'POST', url: '/_emulator/reset' });
      expect(reset.statusCode).toBe(204);
      expect(target.emulator.clock.pendingTimers()).toBe(0);
      expect(await journal(target)).toStrictEqual([]);
      await clockOf(target).advanceBy(60 * 60 * 1000);
      expect(attempts.seen).toHaveLength(1);
      expect(receiver.received).toHaveLength(1);
      expectAllValid(receiver);
    });

    it('does not retry a 400', async () => {
      const target = await startVirtual();
      const receiver = await newReceiver(() => ({ status: 400 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);
      const [delivery] = await waitForSettled(target, 1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['failed']);
      expect(delivery?.attempts[0]?.responseStatus).toBe(400);
      expect(target.emulator.clock.pendingTimers()).toBe(0);
      await clockOf(target).advanceBy(60 * 60 * 1000);
      expect(receiver.received).toHaveLength(1);
      expectAllValid(receiver);
    });

    it.each([408, 429, 500, 502, 503, 504])('retries a %i', async (status) => {
      const target = await startVirtual();
      const attempts = recordAttempts(target);
      const receiver = await newReceiver((n) => ({ status: n === 1 ? status : 200 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);
      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.responseStatus).toBe(status);
      expect(first?.nextAttemptAt).toBe(at(5_000));
      await clockOf(target).advanceBy(5_000);
      const [delivery] = await waitForSettled(target, 1);
      expect(delivery?.status).toBe('delivered');
      expect(delivery?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['retry', 'delivered']);
      expect(receiver.received).toHaveLength(2);
      expectAllValid(receiver);
    });

    it('honours Retry-After: 30 on a 429', async () => {
      const target = await startVirtual();
      const attempts = recordAttempts(target);
      const receiver = await newReceiver((n) =>
        n === 1 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 200 },
      );
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);
      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.nextAttemptAt).toBe(at(30_000));

      await clockOf(target).advanceBy(29_999);
      expect(target.emulator.clock.pendingTimers()).toBe(1);
      expect(attempts.seen).toHaveLength(1);
      await clockOf(target).advanceBy(1);

      const [delivery] = await waitForSettled(target, 1);
      expect(delivery?.status).toBe('delivered');
      expect(delivery?.attempts.map((attempt) => attempt.startedAt)).toStrictEqual([at(0), at(30_000)]);
      expect(receiver.received).toHaveLength(2);
      expectAllValid(receiver);
    });

    it('does not follow a 302 redirect', async () => {
      const target = await startVirtual();
      const elsewhere = await newReceiver();
      const receiver = await newReceiver(() => ({
        status: 302,
        headers: { location: `${elsewhere.url}/stolen` },
      }));
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);
      const [delivery] = await waitForSettled(target, 1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts).toHaveLength(1);
      expect(delivery?.attempts[0]?.responseStatus).toBe(302);
      expect(delivery?.attempts[0]?.outcome).toBe('failed');
      expect(delivery?.attempts[0]?.error).toContain('redirect');
      expect(target.emulator.clock.pendingTimers()).toBe(0);
      expect(receiver.received).toHaveLength(1);
      expectAllValid(receiver);
      expect(elsewhere.received).toHaveLength(0);
    });

    it('retries a refused connection and records the error', async () => {
      const target = await startVirtual({ retryPolicy: '1s' });
      const attempts = recordAttempts(target);
      const gone = await new TestReceiver().start();
      const deadUrl = `${gone.url}/flow`;
      await gone.close();
      await subscribeOk(target, deadUrl);
      await create(target);

      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.error).toMatch(/ECONNREFUSED/);
      expect(first?.attempt).not.toHaveProperty('responseStatus');
      expect(first?.nextAttemptAt).toBe(at(1_000));
      await clockOf(target).advanceBy(1_000);

      const [delivery] = await waitForSettled(target, 1);
      expect(delivery?.status).toBe('failed');
      const [journalled] = await journal(target);
      expect(journalled?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['retry', 'failed']);
      for (const attempt of journalled?.attempts ?? []) {
        expect(attempt.error).toEqual(expect.any(String));
        expect(attempt.error?.length).toBeGreaterThan(0);
        expect(attempt).not.toHaveProperty('responseStatus');
      }
    });

    it('retries a refused connection under the default policy after 5 s', async () => {
      const target = await startVirtual();
      const attempts = recordAttempts(target);
      const gone = await new TestReceiver().start();
      const deadUrl = `${gone.url}/flow`;
      await gone.close();
      await subscribeOk(target, deadUrl);
      await create(target);
      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.error).toEqual(expect.any(String));
      expect(first?.nextAttemptAt).toBe(at(5_000));
      const [journalled] = await journal(target);
      expect(journalled?.status).toBe('retrying');
      expect(journalled?.nextAttemptAt).toBe(at(5_000));
      expect(journalled?.attempts[0]?.error).toMatch(/ECONNREFUSED/);
    });

    it('gives up on a receiver that never answers after deliveryTimeoutMs and says so', async () => {
      const silent = await startSilentServer();
      try {
        const target = await startVirtual({ retryPolicy: 'none', deliveryTimeoutMs: 300 });
        await subscribeOk(target, `${silent.url}/flow`);
        await create(target);
        const [delivery] = await waitForSettled(target, 1);
        expect(delivery?.status).toBe('failed');
        expect(delivery?.attempts[0]?.error).toMatch(/timed out after 300 ms/);
        expect(delivery?.attempts[0]).not.toHaveProperty('responseStatus');
      } finally {
        await silent.close();
      }
    });

    it('close() cuts an attempt still on the wire after its drain time and journals why', async () => {
      const silent = await startSilentServer();
      try {
        const target = await startVirtual({ deliveryTimeoutMs: 60_000 });
        const attempts = recordAttempts(target);
        await subscribeOk(target, `${silent.url}/flow`);
        await create(target);
        await silent.requested;
        await target.emulator.deliveries.close(50);
        const [first] = await attempts.waitFor(1);
        expect(first?.attempt.error).toMatch(/aborted: the emulator was stopping$/);
      } finally {
        await silent.close();
      }
    });

    it("retryPolicy 'none' never retries", async () => {
      const target = await startVirtual({ retryPolicy: 'none' });
      const receiver = await newReceiver(() => ({ status: 500 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);
      const [delivery] = await waitForSettled(target, 1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['failed']);
      expect(target.emulator.clock.pendingTimers()).toBe(0);
      await clockOf(target).advanceBy(60 * 60 * 1000);
      expect(receiver.received).toHaveLength(1);
      expectAllValid(receiver);
    });

    it("a custom retryPolicy '1s,2s' retries twice, 1 s then 2 s apart", async () => {
      const target = await startVirtual({ retryPolicy: '1s,2s' });
      const attempts = recordAttempts(target);
      const receiver = await newReceiver(() => ({ status: 500 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);

      const [first] = await attempts.waitFor(1);
      expect(first?.nextAttemptAt).toBe(at(1_000));
      await clockOf(target).advanceBy(1_000);
      const second = (await attempts.waitFor(2))[1];
      expect(second?.attempt.startedAt).toBe(at(1_000));
      expect(second?.nextAttemptAt).toBe(at(3_000));
      await clockOf(target).advanceBy(2_000);

      const [delivery] = await waitForSettled(target, 1);
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
      const target = await start({ retryPolicy: 'none' });
      const ok = await newReceiver();
      const failing = await newReceiver(() => ({ status: 400 }));
      const clinicReceiver = await newReceiver();
      const okHook = await subscribeOk(target, `${ok.url}/ok`);
      const failingHook = await subscribeOk(target, `${failing.url}/failing`);
      const clinicHook = await subscribeOk(target, `${clinicReceiver.url}/clinic`, {
        mailbox: clinic,
        headers: clinicAuth,
      });

      const first = await create(target);
      const second = await create(target, oneToOneAppointment({ additionalInformation: 'Second' }));
      const third = await create(target, clinicAppointment(), clinic);
      await waitForSettled(target, 5);
      expectAllValid(ok);
      expectAllValid(failing);
      expectAllValid(clinicReceiver);

      const all = await journal(target);
      expect(all).toHaveLength(5);

      const byOk = await journal(target, `?webhookId=${okHook}`);
      expect(byOk.map((delivery) => delivery.appointmentId).sort()).toStrictEqual(
        [first.id, second.id].sort(),
      );
      expect(byOk.every((delivery) => delivery.webhookId === okHook)).toBe(true);
      expect((await journal(target, `?webhookId=${failingHook}`)).map((d) => d.webhookId)).toStrictEqual([
        failingHook,
        failingHook,
      ]);

      const byClinic = await journal(target, `?mailbox=${encodeURIComponent(clinic)}`);
      expect(byClinic.map((delivery) => [delivery.webhookId, delivery.appointmentId])).toStrictEqual([
        [clinicHook, third.id],
      ]);
      expect(await journal(target, `?mailbox=${encodeURIComponent(lunch)}`)).toHaveLength(4);

      const failed = await journal(target, '?status=failed');
      expect(failed).toHaveLength(2);
      expect(failed.every((delivery) => delivery.webhookId === failingHook)).toBe(true);
      expect(await journal(target, '?status=delivered')).toHaveLength(3);
      expect(await journal(target, '?status=retrying')).toStrictEqual([]);
      expect(await journal(target, '?status=pending')).toStrictEqual([]);

      const byAppointment = await journal(target, `?appointmentId=${first.id}`);
      expect(byAppointment).toHaveLength(2);
      expect(new Set(byAppointment.map((delivery) => delivery.webhookId))).toStrictEqual(
        new Set([okHook, failingHook]),
      );

      const combined = await journal(target, `?appointmentId=${second.id}&status=failed`);
      expect(combined.map((delivery) => [delivery.webhookId, delivery.appointmentId])).toStrictEqual([
        [failingHook, second.id],
      ]);
      expect(await journal(target, '?webhookId=no-such-webhook')).toStrictEqual([]);
    });

    it('shows a retrying delivery with nextAttemptAt, valid against DeliveryList', async () => {
      const target = await startVirtual();
      const attempts = recordAttempts(target);
      const receiver = await newReceiver(() => ({ status: 503 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);
      await attempts.waitFor(1);
      const retrying = await journal(target, '?status=retrying');
      expect(retrying).toHaveLength(1);
      expect(retrying[0]?.nextAttemptAt).toBe(at(5_000));
      expect(await journal(target, '?status=failed')).toStrictEqual([]);
    });

    it('answers 400 InvalidControlRequest to an unknown status filter', async () => {
      const target = await start();
      const response = await target.inject({ method: 'GET', url: '/_emulator/deliveries?status=lost' });
      expectError(response, 400, 'InvalidControlRequest');
    });
  });
});

/** A flow endpoint on 127.0.0.1 that reads the request and never answers. */
async function startSilentServer(): Promise<{
  url: string;
  requested: Promise<void>;
  close(): Promise<void>;
}> {
  let markRequested: () => void = () => {};
  const requested = new Promise<void>((resolve) => {
    markRequested = resolve;
  });
  const server = createServer((request) => {
    request.resume();
    markRequested();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
