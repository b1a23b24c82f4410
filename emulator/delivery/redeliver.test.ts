import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../config/options.js';
import type { VirtualClock } from '../core/clock.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import type {
  AppointmentData,
  BookingAppointment,
  ChangeType,
  Delivery,
  DeliveryList,
  RedeliverManyRequest,
  RedeliverRequest,
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
import { lunch } from '../testing/seed.js';
import { attemptHeader, deliveryIdHeader } from './engine.js';

/**
 * Redelivery through the control API: POST /_emulator/deliveries/{id}/redeliver (keeping the id or
 * renewing it, to the original URL or another allowlisted one) and POST /_emulator/deliveries/redeliver
 * (every delivery a filter selects).
 */

type Created = BookingAppointment & { id: string };
type Responder = (
  n: number,
  request: ReceivedRequest,
) => { status: number; headers?: Record<string, string> };

const virtualStart = '2026-01-05T08:00:00.000Z';
const registry = getSchemaRegistry();
const controlShape = (definition: string) => schemaId('control-api', `#/$defs/${definition}`);

/** Counts 'delivery:settled' events from the moment it is called, so a redelivery's settling can be awaited. */
function recordSettled(app: FastifyInstance) {
  const seen: Delivery[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  app.emulator.events.on('delivery:settled', (delivery) => {
    seen.push(structuredClone(delivery));
    for (const waiter of [...waiters]) {
      if (seen.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  return {
    seen,
    waitFor(count: number, timeoutMs = 10_000): Promise<Delivery[]> {
      if (seen.length >= count) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} settled, got ${seen.length} within ${timeoutMs} ms`)),
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

/** A flow endpoint that holds every answer until the test releases it (200), to catch an attempt on the wire. */
class HoldingReceiver {
  readonly server: Server;
  readonly requests: Array<{ headers: IncomingHttpHeaders; body: unknown; response: ServerResponse }> = [];
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  url = '';

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({
          headers: request.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          response,
        });
        for (const waiter of [...this.waiters]) {
          if (this.requests.length >= waiter.count) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      });
    });
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`expected ${count} requests, got ${this.requests.length} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  releaseAll(): void {
    for (const { response } of this.requests) if (!response.writableEnded) response.end('ok');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('redelivery', () => {
  let app: FastifyInstance | undefined;
  const receivers: Array<{ close(): Promise<void> }> = [];

  afterEach(async () => {
    for (const receiver of receivers) if (receiver instanceof HoldingReceiver) receiver.releaseAll();
    await app?.close();
    app = undefined;
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  async function start(options: EmulatorOptions = {}): Promise<FastifyInstance> {
    app = await buildTestApp({ clock: { virtualStart }, ...options });
    return app;
  }

  async function newReceiver(respond?: Responder): Promise<TestReceiver> {
    const receiver = await new TestReceiver(respond).start();
    receivers.push(receiver);
    return receiver;
  }

  async function subscribeOk(
    target: FastifyInstance,
    url: string,
    options: { changeType?: ChangeType } = {},
  ): Promise<string> {
    const response = await subscribe(target, url, options);
    expect(response.statusCode, response.body).toBe(
      (options.changeType ?? 'Created') === 'Created' ? 200 : 201,
    );
    return decodeURIComponent(String(response.headers.location).split('/').pop() ?? '');
  }

  async function create(target: FastifyInstance, body: object = oneToOneAppointment()) {
    const response = await createAppointment(target, body, lunch);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as Created;
  }

  async function journal(target: FastifyInstance, query = ''): Promise<Delivery[]> {
    const response = await target.inject({ method: 'GET', url: `/_emulator/deliveries${query}` });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as DeliveryList;
    expect(registry.check(controlShape('DeliveryList'), body)).toEqual([]);
    return body.deliveries;
  }

  function redeliverOne(
    target: FastifyInstance,
    deliveryId: string,
    body?: RedeliverRequest,
  ): Promise<LightMyRequestResponse> {
    return target.inject({
      method: 'POST',
      url: `/_emulator/deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
      ...(body === undefined ? {} : { payload: body }),
    });
  }

  /** A 202 whose body is a valid Delivery. */
  async function redeliverOk(
    target: FastifyInstance,
    deliveryId: string,
    body?: RedeliverRequest,
  ): Promise<Delivery> {
    const response = await redeliverOne(target, deliveryId, body);
    expect(response.statusCode, response.body).toBe(202);
    const delivery = response.json() as Delivery;
    expect(registry.check(controlShape('Delivery'), delivery)).toEqual([]);
    return delivery;
  }

  async function redeliverManyOk(target: FastifyInstance, body?: RedeliverManyRequest): Promise<Delivery[]> {
    const response = await target.inject({
      method: 'POST',
      url: '/_emulator/deliveries/redeliver',
      ...(body === undefined ? {} : { payload: body }),
    });
    expect(response.statusCode, response.body).toBe(202);
    const list = response.json() as DeliveryList;
    expect(registry.check(controlShape('DeliveryList'), list)).toEqual([]);
    return list.deliveries;
  }

  function clockOf(target: FastifyInstance): VirtualClock {
    return target.emulator.clock as VirtualClock;
  }

  function expectAllValid(receiver: TestReceiver): void {
    for (const request of receiver.received) expectValidPayload(request.body);
  }

  function idOf(request: ReceivedRequest | undefined): string | undefined {
    return (request?.body as AppointmentData | undefined)?.Id;
  }

  /** One delivered delivery to `receiver`, settled. */
  async function deliveredOnce(target: FastifyInstance, receiver: TestReceiver) {
    await subscribeOk(target, `${receiver.url}/flow`);
    const created = await create(target);
    const [delivery] = await waitForSettled(target, 1);
    await receiver.waitFor(1);
    expect(delivery?.status).toBe('delivered');
    return { created, delivery: delivery as Delivery };
  }

  describe('POST /_emulator/deliveries/{id}/redeliver, keeping the id', () => {
    it('sends a delivered delivery again with the same delivery id; attempt numbers go on', async () => {
      const target = await start();
      const receiver = await newReceiver();
      const { created, delivery } = await deliveredOnce(target, receiver);
      const settled = recordSettled(target);

      const answered = await redeliverOk(target, delivery.deliveryId);
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

      const deliveries = await journal(target);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]?.status).toBe('delivered');
      expect(deliveries[0]?.attempts.map((attempt) => [attempt.attempt, attempt.outcome])).toStrictEqual([
        [1, 'delivered'],
        [2, 'delivered'],
      ]);
    });

    it('gives a failed delivery a fresh retry budget, so it can be delivered', async () => {
      // One retry per round; the flow fails three times, then recovers.
      const target = await start({ retryPolicy: '1s' });
      const receiver = await newReceiver((n) => ({ status: n <= 3 ? 500 : 200 }));
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);
      const settled = recordSettled(target);
      await receiver.waitFor(1);
      await target.emulator.deliveries.drain();
      await clockOf(target).advanceBy(1_000);
      const [failed] = await settled.waitFor(1);
      expect(failed?.status).toBe('failed');
      expect(failed?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['retry', 'failed']);

      const answered = await redeliverOk(target, failed?.deliveryId ?? '');
      expect(answered.status).toBe('pending');
      expect(answered.attempts).toHaveLength(2);
      await receiver.waitFor(3);
      await target.emulator.deliveries.drain();
      const [retrying] = await journal(target);
      expect(retrying?.status).toBe('retrying');
      expect(retrying?.attempts.map((attempt) => attempt.outcome)).toStrictEqual([
        'retry',
        'failed',
        'retry',
      ]);

      await clockOf(target).advanceBy(1_000);
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
      const target = await start();
      const receiver = await newReceiver();
      await subscribeOk(target, `${receiver.url}/flow`);
      const fault = await target.inject({
        method: 'POST',
        url: '/_emulator/faults',
        payload: { target: 'delivery', action: 'drop' },
      });
      expect(fault.statusCode, fault.body).toBe(201);
      await create(target);
      const [dropped] = await waitForSettled(target, 1);
      expect(dropped?.refused).toEqual(expect.any(String));
      const settled = recordSettled(target);

      const answered = await redeliverOk(target, dropped?.deliveryId ?? '');
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
      const target = await start();
      const holding = await new HoldingReceiver().start();
      receivers.push(holding);
      await subscribeOk(target, `${holding.url}/flow`);
      await create(target);
      await holding.waitFor(1);
      const [inFlight] = await journal(target);
      expect(inFlight?.status).toBe('pending');
      const settled = recordSettled(target);

      await redeliverOk(target, inFlight?.deliveryId ?? '');
      // The redelivery waits for the attempt on the wire, then goes out as the next attempt.
      holding.releaseAll();
      await holding.waitFor(2);
      holding.releaseAll();
      await settled.waitFor(1);
      await target.emulator.deliveries.drain();
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
      const [journalled] = await journal(target);
      expect(journalled?.attempts.map((attempt) => attempt.attempt).sort()).toStrictEqual([1, 2]);
    });
  });

  describe('POST /_emulator/deliveries/{id}/redeliver with renewId', () => {
    it('creates a new delivery that names the original, with a new id and attempts from 1', async () => {
      const target = await start();
      const receiver = await newReceiver();
      const { created, delivery } = await deliveredOnce(target, receiver);
      const settled = recordSettled(target);

      const renewed = await redeliverOk(target, delivery.deliveryId, { renewId: true });
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

      const deliveries = await journal(target);
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
      const target = await start();
      const receiver = await newReceiver();
      const { delivery } = await deliveredOnce(target, receiver);

      for (const body of [
        { url: 'https://evil.example/' },
        { url: 'https://evil.example/', renewId: true },
      ]) {
        const response = await redeliverOne(target, delivery.deliveryId, body);
        expectError(response, 400, 'InvalidControlRequest');
        const { error } = response.json() as { error: { message: string; target?: string } };
        expect(error.message).toContain('https://evil.example/');
        expect(error.message).toContain('host "evil.example" matches no allowlisted pattern');
        expect(error.target).toBe('/url');
      }
      const many = await target.inject({
        method: 'POST',
        url: '/_emulator/deliveries/redeliver',
        payload: { url: 'https://evil.example/' },
      });
      expectError(many, 400, 'InvalidControlRequest');
      expect(many.json().error.message).toContain('matches no allowlisted pattern');

      await target.emulator.deliveries.drain();
      expect(receiver.received).toHaveLength(1);
      const deliveries = await journal(target);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]?.url).toBe(`${receiver.url}/flow`);
      expect(deliveries[0]?.attempts).toHaveLength(1);
    });

    it('delivers to another allowlisted receiver on 127.0.0.1, keeping the id', async () => {
      const target = await start();
      const receiver = await newReceiver();
      const elsewhere = await newReceiver();
      const { delivery } = await deliveredOnce(target, receiver);
      const settled = recordSettled(target);

      const answered = await redeliverOk(target, delivery.deliveryId, { url: `${elsewhere.url}/moved` });
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
      const target = await start();
      const receiver = await newReceiver();
      const elsewhere = await newReceiver();
      const { delivery } = await deliveredOnce(target, receiver);
      const settled = recordSettled(target);

      const renewed = await redeliverOk(target, delivery.deliveryId, {
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
      const [original] = await journal(target, `?status=delivered&appointmentId=${delivery.appointmentId}`);
      expect(original?.deliveryId).toBe(delivery.deliveryId);
      expect(original?.url).toBe(`${receiver.url}/flow`);
      expect(receiver.received).toHaveLength(1);
    });
  });

  describe('POST /_emulator/deliveries/{id}/redeliver, unknown id', () => {
    it('answers 404 DeliveryNotFound', async () => {
      const target = await start();
      const response = await redeliverOne(target, 'no-such-delivery');
      expectError(response, 404, 'DeliveryNotFound');
      expect(response.json().error.message).toContain('no-such-delivery');
      expectError(await redeliverOne(target, 'no-such-delivery', { renewId: true }), 404, 'DeliveryNotFound');
      expect(await journal(target)).toStrictEqual([]);
    });

    it('refuses a body the schema does not allow with 400', async () => {
      const target = await start();
      const receiver = await newReceiver();
      const { delivery } = await deliveredOnce(target, receiver);
      const response = await target.inject({
        method: 'POST',
        url: `/_emulator/deliveries/${delivery.deliveryId}/redeliver`,
        payload: { renewId: 'yes' },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(registry.check(schemaId('error'), response.json())).toEqual([]);
    });
  });

  describe('POST /_emulator/deliveries/redeliver', () => {
    it('with a webhookId filter, sends only that flow again', async () => {
      const target = await start();
      const chosen = await newReceiver();
      const other = await newReceiver();
      const chosenFlow = await subscribeOk(target, `${chosen.url}/chosen`);
      await subscribeOk(target, `${other.url}/other`);
      await create(target);
      await create(target, oneToOneAppointment({ additionalInformation: 'Second' }));
      await waitForSettled(target, 4);
      await chosen.waitFor(2);
      await other.waitFor(2);
      const settled = recordSettled(target);

      const redelivered = await redeliverManyOk(target, { filter: { webhookId: chosenFlow } });
      expect(redelivered).toHaveLength(2);
      expect(redelivered.every((delivery) => delivery.webhookId === chosenFlow)).toBe(true);
      expect(redelivered.every((delivery) => delivery.status === 'pending')).toBe(true);

      await chosen.waitFor(4);
      await settled.waitFor(2);
      await target.emulator.deliveries.drain();
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
      expect(await journal(target)).toHaveLength(4);
    });

    it('with a status filter, sends only the failed deliveries again', async () => {
      const target = await start({ retryPolicy: 'none' });
      const healthy = await newReceiver();
      // Refuses the first two deliveries, accepts everything after.
      const flaky = await newReceiver((n) => ({ status: n <= 2 ? 400 : 200 }));
      await subscribeOk(target, `${healthy.url}/healthy`);
      const flakyFlow = await subscribeOk(target, `${flaky.url}/flaky`);
      await create(target);
      await create(target, oneToOneAppointment({ additionalInformation: 'Second' }));
      await waitForSettled(target, 4);
      const failed = await journal(target, '?status=failed');
      expect(failed).toHaveLength(2);
      const settled = recordSettled(target);

      const redelivered = await redeliverManyOk(target, { filter: { status: 'failed' } });
      expect(redelivered.map((delivery) => delivery.deliveryId).sort()).toStrictEqual(
        failed.map((delivery) => delivery.deliveryId).sort(),
      );
      expect(redelivered.every((delivery) => delivery.webhookId === flakyFlow)).toBe(true);

      await flaky.waitFor(4);
      await settled.waitFor(2);
      await target.emulator.deliveries.drain();
      expect(healthy.received).toHaveLength(2);
      expect(await journal(target, '?status=failed')).toStrictEqual([]);
      expect(await journal(target, '?status=delivered')).toHaveLength(4);
      expectAllValid(healthy);
      expectAllValid(flaky);
    });

    it('with renewId, creates one new delivery per selected one', async () => {
      const target = await start();
      const receiver = await newReceiver();
      await subscribeOk(target, `${receiver.url}/flow`);
      await create(target);
      await create(target, oneToOneAppointment({ additionalInformation: 'Second' }));
      const originals = await waitForSettled(target, 2);
      const settled = recordSettled(target);

      const renewed = await redeliverManyOk(target, { renewId: true, filter: { status: 'delivered' } });
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
      expect(await journal(target)).toHaveLength(4);
    });

    it.each([
      ['no body', undefined],
      ['an empty object', {}],
    ])('with %s, sends everything again', async (_label, body) => {
      const target = await start();
      const first = await newReceiver();
      const second = await newReceiver();
      await subscribeOk(target, `${first.url}/first`);
      await subscribeOk(target, `${second.url}/second`);
      await create(target);
      await create(target, oneToOneAppointment({ additionalInformation: 'Second' }));
      const originals = await waitForSettled(target, 4);
      await first.waitFor(2);
      await second.waitFor(2);
      const settled = recordSettled(target);

      const redelivered = await redeliverManyOk(target, body);
      expect(redelivered.map((delivery) => delivery.deliveryId).sort()).toStrictEqual(
        originals.map((delivery) => delivery.deliveryId).sort(),
      );
      await first.waitFor(4);
      await second.waitFor(4);
      await settled.waitFor(4);
      expectAllValid(first);
      expectAllValid(second);
      const deliveries = await journal(target);
      expect(deliveries).toHaveLength(4);
      expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
      expect(deliveries.every((delivery) => delivery.attempts.length === 2)).toBe(true);
    });

    it('with a filter that selects nothing, sends nothing and answers an empty list', async () => {
      const target = await start();
      const receiver = await newReceiver();
      await deliveredOnce(target, receiver);
      expect(await redeliverManyOk(target, { filter: { webhookId: 'no-such-flow' } })).toStrictEqual([]);
      await target.emulator.deliveries.drain();
      expect(receiver.received).toHaveLength(1);
    });
  });
});
