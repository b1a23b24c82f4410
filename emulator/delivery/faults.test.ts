import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../api/start.js';
import type { EmulatorOptions } from '../config/options.js';
import type { VirtualClock } from '../core/clock.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import type {
  ActiveFault,
  AppointmentData,
  BookingAppointment,
  ChangeType,
  Delivery,
  DeliveryAttempt,
  DeliveryList,
  Fault,
  FaultList,
  Inbox,
} from '../generated/schema-types.js';
import { waitForSettled } from '../testing/deliveries.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  expectValidPayload,
  oneToOneAppointment,
  subscribe,
  subscribeBody,
  triggerBase,
} from '../testing/http.js';
import { type ReceivedRequest, TestReceiver } from '../testing/receiver.js';
import { adminAuth, clinic, lunch, testSeed } from '../testing/seed.js';
import { attemptHeader, deliveryIdHeader } from './engine.js';

/**
 * Injected faults (POST /_emulator/faults): every delivery action on a virtual clock against a
 * real receiver, targeting by flow and mailbox, counts, seeded probabilities, the built-in inbox's
 * faults and the trigger API's latency, dropped connections and seeded probabilities.
 */

type Created = BookingAppointment & { id: string };
type Responder = (
  n: number,
  request: ReceivedRequest,
) => { status: number; headers?: Record<string, string> };

const virtualStart = '2026-01-05T08:00:00.000Z';
const virtualStartMs = Date.parse(virtualStart);
const hourMs = 60 * 60 * 1000;
const clinicAuth = { authorization: 'Bearer other-admin-tok1' };
const registry = getSchemaRegistry();
const controlShape = (definition: string) => schemaId('control-api', `#/$defs/${definition}`);

function at(offsetMs: number): string {
  return new Date(virtualStartMs + offsetMs).toISOString();
}

function clinicAppointment() {
  return {
    serviceId: 'checkup',
    startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
    customers: [{ name: 'Pat Patient', emailAddress: 'pat@example.com' }],
  };
}

/** Records every 'delivery:attempt' event with the delivery's state at that moment. */
function recordAttempts(app: FastifyInstance) {
  const seen: Array<{ deliveryId: string; attempt: DeliveryAttempt; nextAttemptAt: string | undefined }> = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  app.emulator.events.on('delivery:attempt', (delivery, attempt) => {
    seen.push({
      deliveryId: delivery.deliveryId,
      attempt: structuredClone(attempt),
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
    waitFor(count: number, timeoutMs = 10_000): Promise<typeof seen> {
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

const apps: FastifyInstance[] = [];
const receivers: TestReceiver[] = [];
const emulators: RunningEmulator[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const emulator of emulators.splice(0)) await emulator.close();
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function start(options: EmulatorOptions = {}): Promise<FastifyInstance> {
  const app = await buildTestApp({ clock: { virtualStart }, ...options });
  apps.push(app);
  return app;
}

async function newReceiver(respond?: Responder): Promise<TestReceiver> {
  const receiver = await new TestReceiver(respond).start();
  receivers.push(receiver);
  return receiver;
}

async function subscribeOk(
  app: FastifyInstance,
  url: string,
  options: { changeType?: ChangeType; mailbox?: string; headers?: Record<string, string> } = {},
): Promise<string> {
  const response = await subscribe(app, url, options);
  expect(response.statusCode, response.body).toBe(
    (options.changeType ?? 'Created') === 'Created' ? 200 : 201,
  );
  return decodeURIComponent(String(response.headers.location).split('/').pop() ?? '');
}

async function create(app: FastifyInstance, body: object = oneToOneAppointment(), mailbox = lunch) {
  const response = await createAppointment(app, body, mailbox);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Created;
}

async function addFault(app: FastifyInstance, fault: Fault): Promise<ActiveFault> {
  const response = await app.inject({ method: 'POST', url: '/_emulator/faults', payload: fault });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json() as ActiveFault;
  expect(registry.check(controlShape('ActiveFault'), body)).toEqual([]);
  expect(body.fault).toStrictEqual(fault);
  return body;
}

async function activeFaults(app: FastifyInstance): Promise<ActiveFault[]> {
  const response = await app.inject({ method: 'GET', url: '/_emulator/faults' });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as FaultList;
  expect(registry.check(controlShape('FaultList'), body)).toEqual([]);
  return body.faults;
}

async function journal(app: FastifyInstance, query = ''): Promise<Delivery[]> {
  const response = await app.inject({ method: 'GET', url: `/_emulator/deliveries${query}` });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as DeliveryList;
  expect(registry.check(controlShape('DeliveryList'), body)).toEqual([]);
  return body.deliveries;
}

function clockOf(app: FastifyInstance): VirtualClock {
  return app.emulator.clock as VirtualClock;
}

/** Waits until nothing is queued or on the wire: whatever is not sent by now waits on the clock. */
function drain(app: FastifyInstance): Promise<void> {
  return app.emulator.deliveries.drain();
}

function expectAllValid(receiver: TestReceiver): void {
  for (const request of receiver.received) expectValidPayload(request.body);
}

function idOf(request: ReceivedRequest | undefined): string | undefined {
  return (request?.body as AppointmentData | undefined)?.Id;
}

describe('delivery faults', () => {
  describe('drop', () => {
    it('fails the delivery as refused, sends nothing, never retries, and the next delivery goes through', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'drop' });
      const attempts = recordAttempts(app);

      const dropped = await create(app);
      const [settled] = await waitForSettled(app, 1);
      expect(settled?.status).toBe('failed');
      expect(settled?.refused).toMatch(/dropped/);
      expect(settled?.attempts).toStrictEqual([]);
      await drain(app);
      expect(app.emulator.clock.pendingTimers()).toBe(0);

      await clockOf(app).advanceBy(hourMs);
      await drain(app);
      expect(receiver.received).toHaveLength(0);
      expect(attempts.seen).toHaveLength(0);
      const [journalled] = await journal(app);
      expect(journalled?.appointmentId).toBe(dropped.id);
      expect(journalled?.status).toBe('failed');
      expect(journalled?.refused).toMatch(/dropped/);
      expect(journalled?.attempts).toStrictEqual([]);
      expect(journalled).not.toHaveProperty('nextAttemptAt');
      expect(await activeFaults(app)).toStrictEqual([]);

      const next = await create(app);
      await receiver.waitFor(1);
      await waitForSettled(app, 2);
      expect(idOf(receiver.received[0])).toBe(next.id);
      expectAllValid(receiver);
      const delivered = await journal(app, `?appointmentId=${next.id}`);
      expect(delivered.map((delivery) => delivery.status)).toStrictEqual(['delivered']);
      expect(delivered[0]).not.toHaveProperty('refused');
    });
  });

  describe('duplicate', () => {
    it('sends the same body twice with the same delivery id, as attempts 1 and 2', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'duplicate' });
      const created = await create(app);

      await receiver.waitFor(2);
      const [delivery] = await waitForSettled(app, 1);
      expect(delivery?.status).toBe('delivered');
      expect(receiver.received).toHaveLength(2);
      expectAllValid(receiver);
      const [first, second] = receiver.received;
      expect(second?.rawBody).toBe(first?.rawBody);
      expect(idOf(first)).toBe(created.id);
      expect(first?.headers[deliveryIdHeader]).toBe(delivery?.deliveryId);
      expect(second?.headers[deliveryIdHeader]).toBe(delivery?.deliveryId);
      expect(receiver.received.map((request) => request.headers[attemptHeader])).toStrictEqual(['1', '2']);

      const [journalled] = await journal(app);
      expect(journalled?.attempts.map((attempt) => attempt.attempt)).toStrictEqual([1, 2]);
      expect(journalled?.attempts[1]?.requestBody).toBe(journalled?.attempts[0]?.requestBody);

      // The fault was used up: the next change is sent once.
      await create(app);
      await receiver.waitFor(3);
      await waitForSettled(app, 2);
      await drain(app);
      expect(receiver.received).toHaveLength(3);
      expect(receiver.received[2]?.headers[attemptHeader]).toBe('1');
    });
  });

  describe('delay', () => {
    it('sends nothing before delayMs on the clock, then delivers', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'delay', delayMs: 30_000 });
      const created = await create(app);

      await drain(app);
      expect(receiver.received).toHaveLength(0);
      expect((await journal(app)).map((delivery) => delivery.status)).toStrictEqual(['pending']);
      await clockOf(app).advanceBy(29_999);
      await drain(app);
      expect(receiver.received).toHaveLength(0);

      await clockOf(app).advanceBy(1);
      await receiver.waitFor(1);
      const [delivery] = await waitForSettled(app, 1);
      expect(delivery?.status).toBe('delivered');
      expect(delivery?.attempts.map((attempt) => attempt.startedAt)).toStrictEqual([at(30_000)]);
      expect(idOf(receiver.received[0])).toBe(created.id);
      expectAllValid(receiver);
    });
  });

  describe('reorder', () => {
    it('holds a delivery until the same flow has sent its next one', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'reorder' });

      const held = await create(app, oneToOneAppointment({ additionalInformation: 'first' }));
      await drain(app);
      expect(receiver.received).toHaveLength(0);
      const overtaking = await create(app, oneToOneAppointment({ additionalInformation: 'second' }));

      await receiver.waitFor(2);
      await waitForSettled(app, 2);
      expect(receiver.received.map(idOf)).toStrictEqual([overtaking.id, held.id]);
      expectAllValid(receiver);
      // The hold's own timer is gone with it.
      expect(app.emulator.clock.pendingTimers()).toBe(0);
      expect((await journal(app)).every((delivery) => delivery.status === 'delivered')).toBe(true);
    });

    it("another flow's delivery does not release it; its own flow's next one does", async () => {
      const app = await start();
      const heldReceiver = await newReceiver();
      const otherReceiver = await newReceiver();
      const heldFlow = await subscribeOk(app, `${heldReceiver.url}/held`);
      await subscribeOk(app, `${otherReceiver.url}/other`);
      await addFault(app, { target: 'delivery', action: 'reorder', webhookId: heldFlow });

      const first = await create(app, oneToOneAppointment({ additionalInformation: 'first' }));
      await otherReceiver.waitFor(1);
      await waitForSettled(app, 1);
      await drain(app);
      expect(heldReceiver.received).toHaveLength(0);

      const second = await create(app, oneToOneAppointment({ additionalInformation: 'second' }));
      await heldReceiver.waitFor(2);
      await otherReceiver.waitFor(2);
      await waitForSettled(app, 4);
      expect(heldReceiver.received.map(idOf)).toStrictEqual([second.id, first.id]);
      expect(otherReceiver.received.map(idOf)).toStrictEqual([first.id, second.id]);
      expectAllValid(heldReceiver);
      expectAllValid(otherReceiver);
    });

    it('is released after delayMs on the clock when nothing follows', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'reorder', delayMs: 10_000 });
      const created = await create(app);

      await drain(app);
      expect(app.emulator.clock.pendingTimers()).toBe(1);
      await clockOf(app).advanceBy(9_999);
      await drain(app);
      expect(receiver.received).toHaveLength(0);

      await clockOf(app).advanceBy(1);
      await receiver.waitFor(1);
      const [delivery] = await waitForSettled(app, 1);
      expect(delivery?.status).toBe('delivered');
      expect(delivery?.attempts.map((attempt) => attempt.startedAt)).toStrictEqual([at(10_000)]);
      expect(idOf(receiver.received[0])).toBe(created.id);
      expectAllValid(receiver);
    });

    it('holds for 60 s by default when nothing follows', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'reorder' });
      await create(app);

      await clockOf(app).advanceBy(59_999);
      await drain(app);
      expect(receiver.received).toHaveLength(0);
      await clockOf(app).advanceBy(1);
      await receiver.waitFor(1);
      const [delivery] = await waitForSettled(app, 1);
      expect(delivery?.attempts[0]?.startedAt).toBe(at(60_000));
    });

    it('stays held while the next delivery of its flow is itself delayed (it has not gone yet)', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'reorder', delayMs: 120_000 });
      await addFault(app, { target: 'delivery', action: 'delay', delayMs: 30_000 });

      const held = await create(app, oneToOneAppointment({ additionalInformation: 'first' }));
      const delayed = await create(app, oneToOneAppointment({ additionalInformation: 'second' }));
      await drain(app);
      // Neither has gone: the second waits 30 s on the clock, the first waits for the second.
      expect(receiver.received.map(idOf)).toStrictEqual([]);

      await clockOf(app).advanceBy(30_000);
      await receiver.waitFor(2);
      await waitForSettled(app, 2);
      expect(receiver.received.map(idOf)).toStrictEqual([delayed.id, held.id]);
    });
  });

  describe('truncate', () => {
    it('sends half of the JSON body, which does not parse, and journals the text sent', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'truncate' });
      await create(app);

      await receiver.waitFor(1);
      const [delivery] = await waitForSettled(app, 1);
      const [request] = receiver.received;
      expect(request?.body).toBeUndefined();
      expect(() => JSON.parse(request?.rawBody ?? '')).toThrow(SyntaxError);
      const full = JSON.stringify(delivery?.payload);
      expect(request?.rawBody).toBe(full.slice(0, Math.floor(full.length / 2)));
      expect(request?.rawBody.length).toBeGreaterThan(0);
      // The payload itself stays whole and valid; only the wire was cut.
      expectValidPayload(delivery?.payload);

      const [journalled] = await journal(app);
      expect(journalled?.attempts).toHaveLength(1);
      expect(journalled?.attempts[0]?.requestBody).toBe(request?.rawBody);
      expect(journalled?.attempts[0]?.responseStatus).toBe(200);
      expect(journalled?.status).toBe('delivered');
    });
  });

  describe('stall', () => {
    it('sends nothing for that attempt, journals a timeout, and the retry 5 s later delivers', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'stall' });
      const attempts = recordAttempts(app);
      const created = await create(app);

      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.error).toMatch(/timed out/);
      expect(first?.attempt).not.toHaveProperty('responseStatus');
      expect(first?.nextAttemptAt).toBe(at(5_000));
      await drain(app);
      expect(receiver.received).toHaveLength(0);
      const [retrying] = await journal(app);
      expect(retrying?.status).toBe('retrying');
      expect(retrying?.attempts[0]?.error).toMatch(/timed out/);

      await clockOf(app).advanceBy(5_000);
      await receiver.waitFor(1);
      const [delivery] = await waitForSettled(app, 1);
      expect(delivery?.status).toBe('delivered');
      expect(delivery?.attempts.map((attempt) => attempt.outcome)).toStrictEqual(['retry', 'delivered']);
      expect(delivery?.attempts[1]?.startedAt).toBe(at(5_000));
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]?.headers[attemptHeader]).toBe('2');
      expect(receiver.received[0]?.headers[deliveryIdHeader]).toBe(delivery?.deliveryId);
      expect(idOf(receiver.received[0])).toBe(created.id);
      expectAllValid(receiver);
    });
  });

  describe('targeting and counting', () => {
    it('a fault for one webhookId leaves another flow of the same mailbox untouched', async () => {
      const app = await start();
      const untouched = await newReceiver();
      const targeted = await newReceiver();
      const untouchedFlow = await subscribeOk(app, `${untouched.url}/untouched`);
      // The targeted flow is subscribed second, so an unfiltered fault would hit the other one first.
      const targetedFlow = await subscribeOk(app, `${targeted.url}/targeted`);
      await addFault(app, { target: 'delivery', action: 'drop', webhookId: targetedFlow });

      await create(app);
      await untouched.waitFor(1);
      await waitForSettled(app, 2);
      await drain(app);
      expect(targeted.received).toHaveLength(0);
      expectAllValid(untouched);
      const [delivered] = await journal(app, `?webhookId=${untouchedFlow}`);
      expect(delivered?.status).toBe('delivered');
      const [dropped] = await journal(app, `?webhookId=${targetedFlow}`);
      expect(dropped?.status).toBe('failed');
      expect(dropped?.refused).toMatch(/dropped/);
    });

    it('a fault for one mailbox leaves the other mailbox untouched (and waits for its own)', async () => {
      const app = await start();
      const lunchReceiver = await newReceiver();
      const clinicReceiver = await newReceiver();
      await subscribeOk(app, `${lunchReceiver.url}/lunch`);
      await subscribeOk(app, `${clinicReceiver.url}/clinic`, { mailbox: clinic, headers: clinicAuth });
      await addFault(app, { target: 'delivery', action: 'drop', mailbox: clinic });

      await create(app);
      await lunchReceiver.waitFor(1);
      await waitForSettled(app, 1);
      expect(await activeFaults(app)).toHaveLength(1);

      await create(app, clinicAppointment(), clinic);
      await waitForSettled(app, 2);
      await drain(app);
      expect(clinicReceiver.received).toHaveLength(0);
      expect(await activeFaults(app)).toStrictEqual([]);
      expect((await journal(app, `?mailbox=${encodeURIComponent(lunch)}`))[0]?.status).toBe('delivered');
      const [dropped] = await journal(app, `?mailbox=${encodeURIComponent(clinic)}`);
      expect(dropped?.refused).toMatch(/dropped/);

      await create(app, clinicAppointment(), clinic);
      await clinicReceiver.waitFor(1);
      expectAllValid(clinicReceiver);
      expectAllValid(lunchReceiver);
    });

    it('count hits exactly that many deliveries, and the fault list counts down', async () => {
      const app = await start();
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'drop', count: 3 });

      const ids: string[] = [];
      for (let n = 1; n <= 5; n++) {
        ids.push((await create(app)).id);
        await waitForSettled(app, n);
        if (n === 1) expect((await activeFaults(app)).map((fault) => fault.remaining)).toStrictEqual([2]);
      }
      await receiver.waitFor(2);
      await drain(app);
      expect(await activeFaults(app)).toStrictEqual([]);
      const deliveries = await journal(app);
      const refused = deliveries.filter((delivery) => delivery.refused !== undefined);
      expect(refused.map((delivery) => delivery.appointmentId)).toStrictEqual(ids.slice(0, 3));
      expect(receiver.received.map(idOf)).toStrictEqual(ids.slice(3));
      expectAllValid(receiver);
    });
  });

  describe('probability, seeded by idSeed', () => {
    /** Runs 40 deliveries through a fresh app with a 50% drop fault; returns which ones were dropped. */
    async function droppedWith(idSeed: number): Promise<number[]> {
      const app = await start({ idSeed });
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'drop', probability: 0.5 });
      const ids: string[] = [];
      for (let n = 1; n <= 40; n++) {
        ids.push((await create(app, oneToOneAppointment({ additionalInformation: `n${n}` }))).id);
        await waitForSettled(app, n);
      }
      await drain(app);
      const deliveries = await journal(app);
      expect(deliveries).toHaveLength(40);
      const dropped = deliveries
        .filter((delivery) => delivery.status === 'failed')
        .map((delivery) => ids.indexOf(delivery.appointmentId));
      for (const delivery of deliveries) {
        if (delivery.status === 'failed') expect(delivery.refused).toMatch(/dropped/);
        else expect(delivery.status).toBe('delivered');
      }
      expect(receiver.received).toHaveLength(40 - dropped.length);
      expect(new Set(receiver.received.map(idOf))).toStrictEqual(
        new Set(ids.filter((_, index) => !dropped.includes(index))),
      );
      expectAllValid(receiver);
      // Without a count, a probability fault stays.
      expect(await activeFaults(app)).toHaveLength(1);
      return dropped.sort((a, b) => a - b);
    }

    it('drops the same deliveries with the same seed, others with another seed, some but not all', async () => {
      const first = await droppedWith(7);
      const again = await droppedWith(7);
      const other = await droppedWith(8);
      expect(first.length).toBeGreaterThan(0);
      expect(first.length).toBeLessThan(40);
      expect(again).toStrictEqual(first);
      expect(other).not.toStrictEqual(first);
    });

    it('with a count, stops after that many hits', async () => {
      const app = await start({ idSeed: 7 });
      const receiver = await newReceiver();
      await subscribeOk(app, `${receiver.url}/flow`);
      await addFault(app, { target: 'delivery', action: 'drop', probability: 0.5, count: 2 });
      for (let n = 1; n <= 20; n++) {
        await create(app);
        await waitForSettled(app, n);
      }
      await drain(app);
      const deliveries = await journal(app);
      expect(deliveries.filter((delivery) => delivery.refused !== undefined)).toHaveLength(2);
      expect(receiver.received).toHaveLength(18);
      expect(await activeFaults(app)).toStrictEqual([]);
    });
  });
});

describe('inbox faults', () => {
  /** 40 posts to the built-in inbox under a 50% 503 fault; returns which were refused. */
  async function refusedWith(idSeed: number): Promise<number[]> {
    const app = await start({ idSeed });
    await addFault(app, { target: 'inbox', inbox: 'flaky', status: 503, probability: 0.5 });
    const refused: number[] = [];
    for (let n = 0; n < 40; n++) {
      const response = await app.inject({ method: 'POST', url: '/_emulator/inbox/flaky', payload: { n } });
      if (response.statusCode === 503) refused.push(n);
      else expect(response.statusCode, response.body).toBe(200);
    }
    // Another inbox is not affected.
    const other = await app.inject({ method: 'POST', url: '/_emulator/inbox/steady', payload: { n: 0 } });
    expect(other.statusCode).toBe(200);
    const inbox = (await app.inject({ method: 'GET', url: '/_emulator/inbox/flaky' })).json() as Inbox;
    expect(registry.check(controlShape('Inbox'), inbox)).toEqual([]);
    expect(inbox.messages.map((message) => (message.body as { n: number }).n)).toStrictEqual(
      Array.from({ length: 40 }, (_, n) => n).filter((n) => !refused.includes(n)),
    );
    return refused;
  }

  it('with a probability, refuses the same posts for the same seed and others for another seed', async () => {
    const first = await refusedWith(7);
    const again = await refusedWith(7);
    const other = await refusedWith(8);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(40);
    expect(again).toStrictEqual(first);
    expect(other).not.toStrictEqual(first);
  });

  it('makes a delivery to the inbox retry, then records it once it is accepted', async () => {
    const emulator = await startEmulator({ seed: testSeed, logLevel: false, clock: { virtualStart } });
    emulators.push(emulator);
    const { app } = emulator;
    await subscribeOk(app, `${emulator.url}/_emulator/inbox/flow`);
    await addFault(app, { target: 'inbox', inbox: 'flow', status: 503 });
    const attempts = recordAttempts(app);
    const created = await create(app);

    const [first] = await attempts.waitFor(1);
    expect(first?.attempt.responseStatus).toBe(503);
    expect(first?.attempt.outcome).toBe('retry');
    expect(((await app.inject('/_emulator/inbox/flow')).json() as Inbox).messages).toStrictEqual([]);
    await clockOf(app).advanceBy(5_000);
    const [delivery] = await waitForSettled(app, 1);
    expect(delivery?.status).toBe('delivered');
    const inbox = (await app.inject('/_emulator/inbox/flow')).json() as Inbox;
    expect(inbox.messages).toHaveLength(1);
    expectValidPayload(inbox.messages[0]?.body);
    expect((inbox.messages[0]?.body as AppointmentData | undefined)?.Id).toBe(created.id);
    expect(inbox.messages[0]?.headers[attemptHeader]).toBe('2');
  });
});

describe('trigger-API faults', () => {
  it('latencyMs: the call waits, then answers as usual', async () => {
    const app = await start();
    await addFault(app, { target: 'trigger-api', latencyMs: 25 });
    const response = await subscribe(app, 'http://127.0.0.1:9/slow');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toStrictEqual({ webhookId: expect.any(String) });
    expect(registry.check(schemaId('subscribe-response'), response.json())).toEqual([]);
    expect(await activeFaults(app)).toStrictEqual([]);
    const flows = (await app.inject('/_emulator/flows')).json() as { flows: Array<{ webhookId: string }> };
    expect(flows.flows.map((flow) => flow.webhookId)).toStrictEqual([response.json().webhookId]);
  });

  it('latencyMs with a status: waits, then answers the injected error', async () => {
    const app = await start();
    await addFault(app, { target: 'trigger-api', latencyMs: 10, status: 503, retryAfterSeconds: 3 });
    const response = await subscribe(app, 'http://127.0.0.1:9/slow');
    expectError(response, 503, 'ServiceUnavailable');
    expect(response.headers['retry-after']).toBe('3');
    expect((await subscribe(app, 'http://127.0.0.1:9/slow')).statusCode).toBe(200);
  });

  it('dropConnection: the caller sees a network error and no answer; the next call works', async () => {
    const emulator = await startEmulator({ seed: testSeed, logLevel: false });
    emulators.push(emulator);
    await addFault(emulator.app, { target: 'trigger-api', dropConnection: true });
    const url = `${emulator.url}${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/AppointmentCreated`;
    const init = {
      method: 'POST',
      headers: { ...adminAuth, 'content-type': 'application/json' },
      body: JSON.stringify(subscribeBody('http://127.0.0.1:9/dropped')),
    };

    await expect(fetch(url, init)).rejects.toThrow(TypeError);
    expect((await emulator.app.inject('/_emulator/flows')).json().flows).toStrictEqual([]);
    expect(await activeFaults(emulator.app)).toStrictEqual([]);

    const next = await fetch(url, init);
    expect(next.status).toBe(200);
    const body = (await next.json()) as { webhookId: string };
    expect(registry.check(schemaId('subscribe-response'), body)).toEqual([]);
    expect((await emulator.app.inject('/_emulator/flows')).json().flows).toHaveLength(1);
  });

  /** 40 trigger-API calls under a 50% 503 fault; returns which failed. */
  async function failedWith(idSeed: number): Promise<number[]> {
    const app = await start({ idSeed });
    await addFault(app, { target: 'trigger-api', status: 503, probability: 0.5 });
    const failed: number[] = [];
    for (let n = 0; n < 40; n++) {
      const response = await app.inject({
        method: 'GET',
        url: `${triggerBase}/bookingBusinessesUserAsAdmin`,
        headers: { ...adminAuth, 'x-prefer-owauserconfig': 'true' },
      });
      if (response.statusCode === 503) {
        expectError(response, 503, 'ServiceUnavailable');
        failed.push(n);
      } else {
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json().mailboxes).toEqual(
          expect.arrayContaining([expect.objectContaining({ email: lunch })]),
        );
      }
    }
    return failed;
  }

  it('probability: the same calls fail for the same seed, others for another seed', async () => {
    const first = await failedWith(7);
    const again = await failedWith(7);
    const other = await failedWith(8);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(40);
    expect(again).toStrictEqual(first);
    expect(other).not.toStrictEqual(first);
  });
});
