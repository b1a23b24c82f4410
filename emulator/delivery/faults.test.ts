import { describe, expect, it } from 'vitest';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import type { AppointmentData, Fault, Inbox } from '../generated/schema-types.js';
import {
  at,
  type DeliveryHarness,
  expectAllValid,
  expectControlShape,
  type HarnessOptions,
  idOf,
  startHarness,
  startWithFlow,
} from '../testing/delivery-harness.js';
import {
  expectError,
  expectValidPayload,
  oneToOneAppointment,
  subscribe,
  subscribeBody,
  triggerBase,
} from '../testing/http.js';
import type { TestReceiver } from '../testing/receiver.js';
import { adminAuth, clinic, clinicAppointment, lunch } from '../testing/seed.js';
import { attemptHeader, deliveryIdHeader } from './engine.js';

/**
 * Injected faults (POST /_emulator/faults): every delivery action on a virtual clock against a
 * real receiver, targeting by flow and mailbox, counts, seeded probabilities, the built-in inbox's
 * faults and the trigger API's latency, dropped connections and seeded probabilities.
 */

const hourMs = 60 * 60 * 1000;
const registry = getSchemaRegistry();

/** An emulator on a virtual clock. */
function start(options: HarnessOptions = {}) {
  return startHarness({ virtualClock: true, ...options });
}

/** An emulator on a virtual clock with one flow (attempts recorded) and `fault` set. */
async function flowWithFault(fault: Fault, options: HarnessOptions = {}) {
  const started = await startWithFlow({ virtualClock: true, ...options });
  await started.h.addFault(fault);
  return started;
}

/**
 * Runs 40 of something under a 50% fault for seeds 7, 7 and 8 (`hitWith` returns which were hit):
 * the same seed hits the same ones, another seed others, and some but not all are hit.
 */
async function expectSeededHits(hitWith: (idSeed: number) => Promise<number[]>): Promise<void> {
  const first = await hitWith(7);
  const again = await hitWith(7);
  const other = await hitWith(8);
  expect(first.length).toBeGreaterThan(0);
  expect(first.length).toBeLessThan(40);
  expect(again).toStrictEqual(first);
  expect(other).not.toStrictEqual(first);
}

/**
 * Nothing reaches `receiver` until `dueMs` on the virtual clock (looked at 1 ms before), then the
 * change is delivered, its one attempt started at exactly that instant.
 */
async function expectHeldUntil(h: DeliveryHarness, receiver: TestReceiver, createdId: string, dueMs: number) {
  await h.clock.advanceBy(dueMs - 1);
  await h.drain();
  expect(receiver.received).toHaveLength(0);

  await h.clock.advanceBy(1);
  await receiver.waitFor(1);
  const [delivery] = await h.waitForSettled(1);
  expect(delivery?.status).toBe('delivered');
  expect(delivery?.attempts.map((attempt) => attempt.startedAt)).toStrictEqual([at(dueMs)]);
  expect(idOf(receiver.received[0])).toBe(createdId);
  expectAllValid(receiver);
}

describe('delivery faults', () => {
  describe('drop', () => {
    it('fails the delivery as refused, sends nothing, never retries, and the next delivery goes through', async () => {
      const { h, receiver, attempts } = await flowWithFault({ target: 'delivery', action: 'drop' });

      const dropped = await h.create();
      const [settled] = await h.waitForSettled(1);
      expect(settled?.status).toBe('failed');
      expect(settled?.refused).toMatch(/dropped/);
      expect(settled?.attempts).toStrictEqual([]);
      await h.drain();
      expect(h.clock.pendingTimers()).toBe(0);

      await h.clock.advanceBy(hourMs);
      await h.drain();
      expect(receiver.received).toHaveLength(0);
      expect(attempts.seen).toHaveLength(0);
      const [journalled] = await h.journal();
      expect(journalled?.appointmentId).toBe(dropped.id);
      expect(journalled?.status).toBe('failed');
      expect(journalled?.refused).toMatch(/dropped/);
      expect(journalled?.attempts).toStrictEqual([]);
      expect(journalled).not.toHaveProperty('nextAttemptAt');
      expect(await h.activeFaults()).toStrictEqual([]);

      const next = await h.create();
      await receiver.waitFor(1);
      await h.waitForSettled(2);
      expect(idOf(receiver.received[0])).toBe(next.id);
      expectAllValid(receiver);
      const delivered = await h.journal(`?appointmentId=${next.id}`);
      expect(delivered.map((delivery) => delivery.status)).toStrictEqual(['delivered']);
      expect(delivered[0]).not.toHaveProperty('refused');
    });
  });

  describe('duplicate', () => {
    it('sends the same body twice with the same delivery id, as attempts 1 and 2', async () => {
      const { h, receiver } = await flowWithFault({ target: 'delivery', action: 'duplicate' });
      const created = await h.create();

      await receiver.waitFor(2);
      const [delivery] = await h.waitForSettled(1);
      expect(delivery?.status).toBe('delivered');
      expect(receiver.received).toHaveLength(2);
      expectAllValid(receiver);
      const [first, second] = receiver.received;
      expect(second?.rawBody).toBe(first?.rawBody);
      expect(idOf(first)).toBe(created.id);
      expect(first?.headers[deliveryIdHeader]).toBe(delivery?.deliveryId);
      expect(second?.headers[deliveryIdHeader]).toBe(delivery?.deliveryId);
      expect(receiver.received.map((request) => request.headers[attemptHeader])).toStrictEqual(['1', '2']);

      const [journalled] = await h.journal();
      expect(journalled?.attempts.map((attempt) => attempt.attempt)).toStrictEqual([1, 2]);
      expect(journalled?.attempts[1]?.requestBody).toBe(journalled?.attempts[0]?.requestBody);

      // The fault was used up: the next change is sent once.
      await h.create();
      await receiver.waitFor(3);
      await h.waitForSettled(2);
      await h.drain();
      expect(receiver.received).toHaveLength(3);
      expect(receiver.received[2]?.headers[attemptHeader]).toBe('1');
    });
  });

  describe('delay', () => {
    it('sends nothing before delayMs on the clock, then delivers', async () => {
      const { h, receiver } = await flowWithFault({ target: 'delivery', action: 'delay', delayMs: 30_000 });
      const created = await h.create();

      await h.drain();
      expect(receiver.received).toHaveLength(0);
      expect((await h.journal()).map((delivery) => delivery.status)).toStrictEqual(['pending']);
      await expectHeldUntil(h, receiver, created.id, 30_000);
    });
  });

  describe('reorder', () => {
    it('holds a delivery until the same flow has sent its next one', async () => {
      const { h, receiver } = await flowWithFault({ target: 'delivery', action: 'reorder' });

      const held = await h.create(oneToOneAppointment({ additionalInformation: 'first' }));
      await h.drain();
      expect(receiver.received).toHaveLength(0);
      const overtaking = await h.create(oneToOneAppointment({ additionalInformation: 'second' }));

      await receiver.waitFor(2);
      await h.waitForSettled(2);
      expect(receiver.received.map(idOf)).toStrictEqual([overtaking.id, held.id]);
      expectAllValid(receiver);
      // The hold's own timer is gone with it.
      expect(h.clock.pendingTimers()).toBe(0);
      expect((await h.journal()).every((delivery) => delivery.status === 'delivered')).toBe(true);
    });

    it("another flow's delivery does not release it; its own flow's next one does", async () => {
      const h = await start();
      const { receiver: heldReceiver, webhookId: heldFlow } = await h.flow({ path: '/held' });
      const { receiver: otherReceiver } = await h.flow({ path: '/other' });
      await h.addFault({ target: 'delivery', action: 'reorder', webhookId: heldFlow });

      const first = await h.create(oneToOneAppointment({ additionalInformation: 'first' }));
      await otherReceiver.waitFor(1);
      await h.waitForSettled(1);
      await h.drain();
      expect(heldReceiver.received).toHaveLength(0);

      const second = await h.create(oneToOneAppointment({ additionalInformation: 'second' }));
      await heldReceiver.waitFor(2);
      await otherReceiver.waitFor(2);
      await h.waitForSettled(4);
      expect(heldReceiver.received.map(idOf)).toStrictEqual([second.id, first.id]);
      expect(otherReceiver.received.map(idOf)).toStrictEqual([first.id, second.id]);
      expectAllValid(heldReceiver);
      expectAllValid(otherReceiver);
    });

    it('is released after delayMs on the clock when nothing follows', async () => {
      const { h, receiver } = await flowWithFault({ target: 'delivery', action: 'reorder', delayMs: 10_000 });
      const created = await h.create();

      await h.drain();
      expect(h.clock.pendingTimers()).toBe(1);
      await expectHeldUntil(h, receiver, created.id, 10_000);
    });

    it('holds for 60 s by default when nothing follows', async () => {
      const { h, receiver } = await flowWithFault({ target: 'delivery', action: 'reorder' });
      const created = await h.create();
      await expectHeldUntil(h, receiver, created.id, 60_000);
    });

    it('stays held while the next delivery of its flow is itself delayed (it has not gone yet)', async () => {
      const { h, receiver } = await flowWithFault({
        target: 'delivery',
        action: 'reorder',
        delayMs: 120_000,
      });
      await h.addFault({ target: 'delivery', action: 'delay', delayMs: 30_000 });

      const held = await h.create(oneToOneAppointment({ additionalInformation: 'first' }));
      const delayed = await h.create(oneToOneAppointment({ additionalInformation: 'second' }));
      await h.drain();
      // Neither has gone: the second waits 30 s on the clock, the first waits for the second.
      expect(receiver.received.map(idOf)).toStrictEqual([]);

      await h.clock.advanceBy(30_000);
      await receiver.waitFor(2);
      await h.waitForSettled(2);
      expect(receiver.received.map(idOf)).toStrictEqual([delayed.id, held.id]);
    });
  });

  describe('truncate', () => {
    it('sends half of the JSON body, which does not parse, and journals the text sent', async () => {
      const { h, receiver } = await flowWithFault({ target: 'delivery', action: 'truncate' });
      await h.create();

      await receiver.waitFor(1);
      const [delivery] = await h.waitForSettled(1);
      const [request] = receiver.received;
      expect(request?.body).toBeUndefined();
      expect(() => JSON.parse(request?.rawBody ?? '')).toThrow(SyntaxError);
      const full = JSON.stringify(delivery?.payload);
      expect(request?.rawBody).toBe(full.slice(0, Math.floor(full.length / 2)));
      expect(request?.rawBody.length).toBeGreaterThan(0);
      // The payload itself stays whole and valid; only the wire was cut.
      expectValidPayload(delivery?.payload);

      const [journalled] = await h.journal();
      expect(journalled?.attempts).toHaveLength(1);
      expect(journalled?.attempts[0]?.requestBody).toBe(request?.rawBody);
      expect(journalled?.attempts[0]?.responseStatus).toBe(200);
      expect(journalled?.status).toBe('delivered');
    });
  });

  describe('stall', () => {
    it('sends nothing for that attempt, journals a timeout, and the retry 5 s later delivers', async () => {
      const { h, receiver, attempts } = await flowWithFault({ target: 'delivery', action: 'stall' });
      const created = await h.create();

      const [first] = await attempts.waitFor(1);
      expect(first?.attempt.outcome).toBe('retry');
      expect(first?.attempt.error).toMatch(/timed out/);
      expect(first?.attempt).not.toHaveProperty('responseStatus');
      expect(first?.nextAttemptAt).toBe(at(5_000));
      await h.drain();
      expect(receiver.received).toHaveLength(0);
      const [retrying] = await h.journal();
      expect(retrying?.status).toBe('retrying');
      expect(retrying?.attempts[0]?.error).toMatch(/timed out/);

      await h.clock.advanceBy(5_000);
      await receiver.waitFor(1);
      const [delivery] = await h.waitForSettled(1);
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
      const h = await start();
      const { receiver: untouched, webhookId: untouchedFlow } = await h.flow({ path: '/untouched' });
      // The targeted flow is subscribed second, so an unfiltered fault would hit the other one first.
      const { receiver: targeted, webhookId: targetedFlow } = await h.flow({ path: '/targeted' });
      await h.addFault({ target: 'delivery', action: 'drop', webhookId: targetedFlow });

      await h.create();
      await untouched.waitFor(1);
      await h.waitForSettled(2);
      await h.drain();
      expect(targeted.received).toHaveLength(0);
      expectAllValid(untouched);
      const [delivered] = await h.journal(`?webhookId=${untouchedFlow}`);
      expect(delivered?.status).toBe('delivered');
      const [dropped] = await h.journal(`?webhookId=${targetedFlow}`);
      expect(dropped?.status).toBe('failed');
      expect(dropped?.refused).toMatch(/dropped/);
    });

    it('a fault for one mailbox leaves the other mailbox untouched (and waits for its own)', async () => {
      const h = await start();
      const { receiver: lunchReceiver } = await h.flow({ path: '/lunch' });
      const { receiver: clinicReceiver } = await h.clinicFlow();
      await h.addFault({ target: 'delivery', action: 'drop', mailbox: clinic });

      await h.create();
      await lunchReceiver.waitFor(1);
      await h.waitForSettled(1);
      expect(await h.activeFaults()).toHaveLength(1);

      await h.create(clinicAppointment(), clinic);
      await h.waitForSettled(2);
      await h.drain();
      expect(clinicReceiver.received).toHaveLength(0);
      expect(await h.activeFaults()).toStrictEqual([]);
      expect((await h.journal(`?mailbox=${encodeURIComponent(lunch)}`))[0]?.status).toBe('delivered');
      const [dropped] = await h.journal(`?mailbox=${encodeURIComponent(clinic)}`);
      expect(dropped?.refused).toMatch(/dropped/);

      await h.create(clinicAppointment(), clinic);
      await clinicReceiver.waitFor(1);
      expectAllValid(clinicReceiver);
      expectAllValid(lunchReceiver);
    });

    it('count hits exactly that many deliveries, and the fault list counts down', async () => {
      const { h, receiver } = await flowWithFault({ target: 'delivery', action: 'drop', count: 3 });

      const ids: string[] = [];
      for (let n = 1; n <= 5; n++) {
        ids.push((await h.create()).id);
        await h.waitForSettled(n);
        if (n === 1) expect((await h.activeFaults()).map((fault) => fault.remaining)).toStrictEqual([2]);
      }
      await receiver.waitFor(2);
      await h.drain();
      expect(await h.activeFaults()).toStrictEqual([]);
      const deliveries = await h.journal();
      const refused = deliveries.filter((delivery) => delivery.refused !== undefined);
      expect(refused.map((delivery) => delivery.appointmentId)).toStrictEqual(ids.slice(0, 3));
      expect(receiver.received.map(idOf)).toStrictEqual(ids.slice(3));
      expectAllValid(receiver);
    });
  });

  describe('probability, seeded by idSeed', () => {
    /** Runs 40 deliveries through a fresh app with a 50% drop fault; returns which ones were dropped. */
    async function droppedWith(idSeed: number): Promise<number[]> {
      const { h, receiver } = await flowWithFault(
        { target: 'delivery', action: 'drop', probability: 0.5 },
        { idSeed },
      );
      const ids: string[] = [];
      for (let n = 1; n <= 40; n++) {
        ids.push((await h.create(oneToOneAppointment({ additionalInformation: `n${n}` }))).id);
        await h.waitForSettled(n);
      }
      await h.drain();
      const deliveries = await h.journal();
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
      expect(await h.activeFaults()).toHaveLength(1);
      return dropped.sort((a, b) => a - b);
    }

    it('drops the same deliveries with the same seed, others with another seed, some but not all', async () => {
      await expectSeededHits(droppedWith);
    });

    it('with a count, stops after that many hits', async () => {
      const { h, receiver } = await flowWithFault(
        { target: 'delivery', action: 'drop', probability: 0.5, count: 2 },
        { idSeed: 7 },
      );
      for (let n = 1; n <= 20; n++) {
        await h.create();
        await h.waitForSettled(n);
      }
      await h.drain();
      const deliveries = await h.journal();
      expect(deliveries.filter((delivery) => delivery.refused !== undefined)).toHaveLength(2);
      expect(receiver.received).toHaveLength(18);
      expect(await h.activeFaults()).toStrictEqual([]);
    });
  });
});

describe('inbox faults', () => {
  /** 40 posts to the built-in inbox under a 50% 503 fault; returns which were refused. */
  async function refusedWith(idSeed: number): Promise<number[]> {
    const h = await start({ idSeed });
    await h.addFault({ target: 'inbox', inbox: 'flaky', status: 503, probability: 0.5 });
    const refused: number[] = [];
    for (let n = 0; n < 40; n++) {
      const response = await h.app.inject({ method: 'POST', url: '/_emulator/inbox/flaky', payload: { n } });
      if (response.statusCode === 503) refused.push(n);
      else expect(response.statusCode, response.body).toBe(200);
    }
    // Another inbox is not affected.
    const other = await h.app.inject({ method: 'POST', url: '/_emulator/inbox/steady', payload: { n: 0 } });
    expect(other.statusCode).toBe(200);
    const inbox = (await h.app.inject({ method: 'GET', url: '/_emulator/inbox/flaky' })).json() as Inbox;
    expectControlShape('Inbox', inbox);
    expect(inbox.messages.map((message) => (message.body as { n: number }).n)).toStrictEqual(
      Array.from({ length: 40 }, (_, n) => n).filter((n) => !refused.includes(n)),
    );
    return refused;
  }

  it('with a probability, refuses the same posts for the same seed and others for another seed', async () => {
    await expectSeededHits(refusedWith);
  });

  it('makes a delivery to the inbox retry, then records it once it is accepted', async () => {
    const h = await start({ listen: true });
    await h.subscribe(`${h.url}/_emulator/inbox/flow`);
    await h.addFault({ target: 'inbox', inbox: 'flow', status: 503 });
    const attempts = h.attempts();
    const created = await h.create();

    const [first] = await attempts.waitFor(1);
    expect(first?.attempt.responseStatus).toBe(503);
    expect(first?.attempt.outcome).toBe('retry');
    expect(((await h.app.inject('/_emulator/inbox/flow')).json() as Inbox).messages).toStrictEqual([]);
    await h.clock.advanceBy(5_000);
    const [delivery] = await h.waitForSettled(1);
    expect(delivery?.status).toBe('delivered');
    const inbox = (await h.app.inject('/_emulator/inbox/flow')).json() as Inbox;
    expect(inbox.messages).toHaveLength(1);
    expectValidPayload(inbox.messages[0]?.body);
    expect((inbox.messages[0]?.body as AppointmentData | undefined)?.Id).toBe(created.id);
    expect(inbox.messages[0]?.headers[attemptHeader]).toBe('2');
  });
});

describe('trigger-API faults', () => {
  it('latencyMs: the call waits, then answers as usual', async () => {
    const h = await start();
    await h.addFault({ target: 'trigger-api', latencyMs: 25 });
    const response = await subscribe(h.app, 'http://127.0.0.1:9/slow');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toStrictEqual({ webhookId: expect.any(String) });
    expect(registry.check(schemaId('subscribe-response'), response.json())).toEqual([]);
    expect(await h.activeFaults()).toStrictEqual([]);
    const flows = (await h.app.inject('/_emulator/flows')).json() as { flows: Array<{ webhookId: string }> };
    expect(flows.flows.map((flow) => flow.webhookId)).toStrictEqual([response.json().webhookId]);
  });

  it('latencyMs with a status: waits, then answers the injected error', async () => {
    const h = await start();
    await h.addFault({ target: 'trigger-api', latencyMs: 10, status: 503, retryAfterSeconds: 3 });
    const response = await subscribe(h.app, 'http://127.0.0.1:9/slow');
    expectError(response, 503, 'ServiceUnavailable');
    expect(response.headers['retry-after']).toBe('3');
    expect((await subscribe(h.app, 'http://127.0.0.1:9/slow')).statusCode).toBe(200);
  });

  it('dropConnection: the caller sees a network error and no answer; the next call works', async () => {
    const h = await startHarness({ listen: true });
    await h.addFault({ target: 'trigger-api', dropConnection: true });
    const url = `${h.url}${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/AppointmentCreated`;
    const init = {
      method: 'POST',
      headers: { ...adminAuth, 'content-type': 'application/json' },
      body: JSON.stringify(subscribeBody('http://127.0.0.1:9/dropped')),
    };

    await expect(fetch(url, init)).rejects.toThrow(TypeError);
    expect((await h.app.inject('/_emulator/flows')).json().flows).toStrictEqual([]);
    expect(await h.activeFaults()).toStrictEqual([]);

    const next = await fetch(url, init);
    expect(next.status).toBe(200);
    const body = (await next.json()) as { webhookId: string };
    expect(registry.check(schemaId('subscribe-response'), body)).toEqual([]);
    expect((await h.app.inject('/_emulator/flows')).json().flows).toHaveLength(1);
  });

  /** 40 trigger-API calls under a 50% 503 fault; returns which failed. */
  async function failedWith(idSeed: number): Promise<number[]> {
    const h = await start({ idSeed });
    await h.addFault({ target: 'trigger-api', status: 503, probability: 0.5 });
    const failed: number[] = [];
    for (let n = 0; n < 40; n++) {
      const response = await h.app.inject({
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
    await expectSeededHits(failedWith);
  });
});
