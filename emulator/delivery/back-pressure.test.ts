import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../config/options.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import type {
  AppointmentData,
  BookingAppointment,
  Delivery,
  DeliveryAttempt,
  DeliveryList,
} from '../generated/schema-types.js';
import { waitForSettled } from '../testing/deliveries.js';
import {
  buildTestApp,
  createAppointment,
  expectValidPayload,
  oneToOneAppointment,
  subscribe,
} from '../testing/http.js';
import { TestReceiver } from '../testing/receiver.js';
import { lunch } from '../testing/seed.js';
import { deliveryIdHeader } from './engine.js';

/**
 * Back-pressure (DeliveryEngine: per-origin queues, the pending limit, close): a receiver that never
 * answers holds only its own origin's queue, its deliveries wait and are never dropped, past
 * maxPendingDeliveries new ones are refused as failed, and closing aborts what is stuck.
 */

type Created = BookingAppointment & { id: string };

/** A flow endpoint that accepts each request, reads it, and never answers. */
class DeadReceiver {
  readonly server: Server;
  readonly deliveryIds: string[] = [];
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  url = '';

  constructor() {
    this.server = createServer((request) => {
      request.resume();
      this.deliveryIds.push(String(request.headers[deliveryIdHeader]));
      for (const waiter of [...this.waiters]) {
        if (this.deliveryIds.length >= waiter.count) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves once `count` requests have arrived (and are being held). */
  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.deliveryIds.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`expected ${count} requests, got ${this.deliveryIds.length} within ${timeoutMs} ms`),
          ),
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

  async close(): Promise<void> {
    this.server.closeAllConnections();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('back-pressure', () => {
  let app: FastifyInstance | undefined;
  const receivers: TestReceiver[] = [];
  const dead: DeadReceiver[] = [];

  afterEach(async () => {
    // The dead receiver goes first, so closing the app has nothing stuck to wait for.
    for (const server of dead.splice(0)) await server.close();
    await app?.close();
    app = undefined;
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  async function start(options: EmulatorOptions): Promise<FastifyInstance> {
    app = await buildTestApp(options);
    return app;
  }

  async function newReceiver(): Promise<TestReceiver> {
    const receiver = await new TestReceiver().start();
    receivers.push(receiver);
    return receiver;
  }

  async function deadReceiver(): Promise<DeadReceiver> {
    const server = await new DeadReceiver().start();
    dead.push(server);
    return server;
  }

  async function subscribeOk(target: FastifyInstance, url: string): Promise<string> {
    const response = await subscribe(target, url);
    expect(response.statusCode, response.body).toBe(200);
    return decodeURIComponent(String(response.headers.location).split('/').pop() ?? '');
  }

  async function create(target: FastifyInstance, n: number): Promise<Created> {
    const response = await createAppointment(
      target,
      oneToOneAppointment({ additionalInformation: `change ${n}` }),
      lunch,
    );
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as Created;
  }

  async function journal(target: FastifyInstance, query = ''): Promise<Delivery[]> {
    const response = await target.inject({ method: 'GET', url: `/_emulator/deliveries${query}` });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as DeliveryList;
    expect(getSchemaRegistry().check(schemaId('control-api', '#/$defs/DeliveryList'), body)).toEqual([]);
    return body.deliveries;
  }

  it('a receiver that never answers holds only its own origin: the healthy flow gets all 20 changes', async () => {
    const target = await start({ deliveryTimeoutMs: 60_000, perOriginConcurrency: 2 });
    const stuck = await deadReceiver();
    const healthy = await newReceiver();
    const deadFlow = await subscribeOk(target, `${stuck.url}/dead`);
    const healthyFlow = await subscribeOk(target, `${healthy.url}/healthy`);

    const ids: string[] = [];
    for (let n = 1; n <= 20; n++) ids.push((await create(target, n)).id);

    await healthy.waitFor(20);
    const settled = await waitForSettled(target, 20);
    await stuck.waitFor(2);
    expect(settled.every((delivery) => delivery.webhookId === healthyFlow)).toBe(true);
    expect(settled.every((delivery) => delivery.status === 'delivered')).toBe(true);
    expect(healthy.received.map((request) => (request.body as AppointmentData).Id).sort()).toStrictEqual(
      [...ids].sort(),
    );
    for (const request of healthy.received) expectValidPayload(request.body);

    // Two on the wire to the dead origin (its concurrency), the rest waiting their turn.
    expect(stuck.deliveryIds).toHaveLength(2);
    const waiting = await journal(target, `?webhookId=${deadFlow}`);
    expect(waiting).toHaveLength(20);
    expect(waiting.map((delivery) => delivery.status)).toStrictEqual(Array(20).fill('pending'));
    expect(waiting.filter((delivery) => delivery.refused !== undefined)).toStrictEqual([]);
    expect(new Set(waiting.map((delivery) => delivery.appointmentId))).toStrictEqual(new Set(ids));
    expect(await journal(target, '?status=failed')).toStrictEqual([]);
    expect(target.emulator.deliveries.pendingCount()).toBe(20);
  });

  it('past maxPendingDeliveries, a new delivery is journaled at once as failed, refused for the limit', async () => {
    const target = await start({
      deliveryTimeoutMs: 60_000,
      perOriginConcurrency: 2,
      maxPendingDeliveries: 5,
    });
    const stuck = await deadReceiver();
    await subscribeOk(target, `${stuck.url}/dead`);
    const settledEvents: Delivery[] = [];
    target.emulator.events.on('delivery:settled', (delivery) =>
      settledEvents.push(structuredClone(delivery)),
    );

    for (let n = 1; n <= 5; n++) await create(target, n);
    await stuck.waitFor(2);
    expect(settledEvents).toStrictEqual([]);
    expect((await journal(target)).map((delivery) => delivery.status)).toStrictEqual(
      Array(5).fill('pending'),
    );

    const refusedIds: string[] = [];
    for (let n = 6; n <= 7; n++) {
      const created = await create(target, n);
      // Journaled as failed by the time the change is answered, and settled.
      const [delivery] = await journal(target, `?appointmentId=${created.id}`);
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
    expect(await waitForSettled(target, 2)).toHaveLength(2);

    const deliveries = await journal(target);
    expect(deliveries).toHaveLength(7);
    expect(deliveries.filter((delivery) => delivery.status === 'pending')).toHaveLength(5);
    expect(target.emulator.deliveries.pendingCount()).toBe(5);
    expect(stuck.deliveryIds).toHaveLength(2);
    expect(stuck.deliveryIds.some((id) => refusedIds.includes(id))).toBe(false);
  });

  it('a redelivery with renewId is a new delivery: past the limit it is refused too', async () => {
    const target = await start({
      deliveryTimeoutMs: 60_000,
      perOriginConcurrency: 2,
      maxPendingDeliveries: 2,
    });
    const stuck = await deadReceiver();
    await subscribeOk(target, `${stuck.url}/dead`);
    for (let n = 1; n <= 2; n++) await create(target, n);
    await stuck.waitFor(2);
    const refused = await create(target, 3);
    expect((await journal(target, `?appointmentId=${refused.id}`))[0]?.refused).toMatch(/limit/);
    const [waiting] = await journal(target, '?status=pending');

    const response = await target.inject({
      method: 'POST',
      url: `/_emulator/deliveries/${waiting?.deliveryId}/redeliver`,
      payload: { renewId: true },
    });
    expect(response.statusCode, response.body).toBe(202);
    const renewed = response.json() as Delivery;
    expect(getSchemaRegistry().check(schemaId('control-api', '#/$defs/Delivery'), renewed)).toEqual([]);
    expect(renewed.redeliveryOf).toBe(waiting?.deliveryId);
    const [journalled] = (await journal(target)).filter(
      (delivery) => delivery.deliveryId === renewed.deliveryId,
    );
    expect(journalled?.status).toBe('failed');
    expect(journalled?.refused).toMatch(/limit/);
    expect(target.emulator.deliveries.pendingCount()).toBe(2);
  });

  it('close() finishes with attempts stuck on a dead receiver, recording that the emulator was stopping', async () => {
    const target = await start({ deliveryTimeoutMs: 60_000, perOriginConcurrency: 2 });
    const stuck = await deadReceiver();
    await subscribeOk(target, `${stuck.url}/dead`);
    const attempts: Array<{ deliveryId: string; attempt: DeliveryAttempt }> = [];
    target.emulator.events.on('delivery:attempt', (delivery, attempt) =>
      attempts.push({ deliveryId: delivery.deliveryId, attempt: structuredClone(attempt) }),
    );
    const settled: Delivery[] = [];
    target.emulator.events.on('delivery:settled', (delivery) => settled.push(structuredClone(delivery)));

    for (let n = 1; n <= 3; n++) await create(target, n);
    await stuck.waitFor(2);

    // The drain bound passes (nothing answers), then the stuck attempts are aborted.
    await target.emulator.deliveries.close(200);

    const deliveries = target.emulator.store.deliveries.list();
    expect(deliveries).toHaveLength(3);
    const aborted = deliveries.filter((delivery) => stuck.deliveryIds.includes(delivery.deliveryId));
    expect(aborted).toHaveLength(2);
    for (const delivery of aborted) {
      expect(delivery.status).toBe('failed');
      expect(delivery).not.toHaveProperty('nextAttemptAt');
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0]?.outcome).toBe('failed');
      expect(delivery.attempts[0]?.error).toContain('the emulator was stopping');
      expect(delivery.attempts[0]).not.toHaveProperty('responseStatus');
      expect(getSchemaRegistry().check(schemaId('control-api', '#/$defs/Delivery'), delivery)).toEqual([]);
    }
    expect(attempts.map((seen) => seen.deliveryId).sort()).toStrictEqual([...stuck.deliveryIds].sort());
    expect(attempts.every((seen) => seen.attempt.error?.includes('the emulator was stopping'))).toBe(true);
    expect(settled.map((delivery) => delivery.deliveryId).sort()).toStrictEqual(
      [...stuck.deliveryIds].sort(),
    );
    // The one that never got a turn was not sent and stays in the journal, unsettled.
    const neverSent = deliveries.filter((delivery) => !stuck.deliveryIds.includes(delivery.deliveryId));
    expect(neverSent.map((delivery) => [delivery.status, delivery.attempts.length])).toStrictEqual([
      ['pending', 0],
    ]);
    expect(stuck.deliveryIds).toHaveLength(2);

    // The app closes after its engine has: closing twice is harmless.
    app = undefined;
    await target.close();
  });
});
