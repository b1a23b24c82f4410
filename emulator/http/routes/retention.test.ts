import { describe, expect, it } from 'vitest';
import type { AppointmentData, DeliveryList, Inbox, Info } from '../../generated/schema-types.js';
import { type DeliveryHarness, expectControlShape, startHarness } from '../../testing/delivery-harness.js';
import { buildTestApp } from '../../testing/http.js';

/** GET /_emulator/deliveries, checked against DeliveryList. */
async function journal(h: DeliveryHarness): Promise<DeliveryList> {
  const response = await h.app.inject('/_emulator/deliveries');
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as DeliveryList;
  expectControlShape('DeliveryList', body);
  return body;
}

/** GET /_emulator/inbox/NAME, checked against Inbox. */
async function inbox(h: DeliveryHarness, name: string): Promise<Inbox> {
  const response = await h.app.inject(`/_emulator/inbox/${name}`);
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as Inbox;
  expectControlShape('Inbox', body);
  return body;
}

const appointmentIdOf = (body: unknown) => (body as AppointmentData).Id;

describe('--retain-deliveries (retainDeliveries)', () => {
  it('keeps the newest 3 deliveries and inbox messages of 10, and says 7 were evicted', async () => {
    const h = await startHarness({ listen: true, retainDeliveries: 3 });
    await h.subscribe(`${h.url}/_emulator/inbox/demo`);
    const settled = h.settled();
    const created: string[] = [];
    // One at a time, so the journal's order and the inbox's are both the order of creation.
    for (let n = 1; n <= 10; n++) {
      created.push((await h.create()).id);
      await settled.waitFor(n);
    }

    const { deliveries, evicted } = await journal(h);
    expect(deliveries.map((delivery) => delivery.appointmentId)).toEqual(created.slice(-3));
    expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
    expect(evicted).toBe(7);
    // A filter sees only what is kept; the count is the journal's.
    const filtered = (await h.app.inject(`/_emulator/deliveries?appointmentId=${created[0]}`)).json();
    expect(filtered).toStrictEqual({ deliveries: [], evicted: 7 });

    const demo = await inbox(h, 'demo');
    expect(demo.messages.map((message) => appointmentIdOf(message.body))).toEqual(created.slice(-3));
    expect(demo.evicted).toBe(7);

    // An evicted delivery is gone: it cannot be redelivered by id.
    const first = settled.seen[0]?.deliveryId ?? '';
    expect((await h.redeliver(first)).statusCode).toBe(404);

    // A reset starts the counts over.
    expect((await h.app.inject({ method: 'POST', url: '/_emulator/reset' })).statusCode).toBe(204);
    expect(await journal(h)).toStrictEqual({ deliveries: [], evicted: 0 });
    expect((await inbox(h, 'demo')).evicted).toBe(0);
  });

  it('never evicts a retrying delivery; once it settles it is the first to go', async () => {
    const h = await startHarness({ listen: true, virtualClock: true, retainDeliveries: 2 });
    const attempts = h.attempts();
    const settled = h.settled();
    // The first request gets a 503 (a retry on the clock); every other one a 200.
    await h.flow({ respond: (n) => ({ status: n === 1 ? 503 : 200 }) });
    const first = await h.create();
    await attempts.waitFor(1);
    const created: string[] = [];
    for (let n = 1; n <= 4; n++) {
      created.push((await h.create()).id);
      await settled.waitFor(n);
    }

    let list = await journal(h);
    expect(list.deliveries.map((delivery) => [delivery.appointmentId, delivery.status])).toEqual([
      [first.id, 'retrying'],
      [created[3], 'delivered'],
    ]);
    expect(list.evicted).toBe(3);

    // The retry comes due and succeeds: at the limit, nothing more goes.
    await h.clock.advanceBy(5_000);
    await settled.waitFor(5);
    list = await journal(h);
    expect(list.deliveries.map((delivery) => [delivery.appointmentId, delivery.status])).toEqual([
      [first.id, 'delivered'],
      [created[3], 'delivered'],
    ]);
    expect(list.evicted).toBe(3);

    // The next delivery pushes out the oldest settled one: the one that was retrying.
    const last = await h.create();
    await settled.waitFor(6);
    list = await journal(h);
    expect(list.deliveries.map((delivery) => delivery.appointmentId)).toEqual([created[3], last.id]);
    expect(list.evicted).toBe(4);
  });

  it('says 0 evicted and shows no limit when retention is off', async () => {
    const h = await startHarness({ listen: true });
    await h.subscribe(`${h.url}/_emulator/inbox/demo`);
    const settled = h.settled();
    for (let n = 1; n <= 5; n++) await h.create();
    await settled.waitFor(5);
    const list = await journal(h);
    expect(list.deliveries).toHaveLength(5);
    expect(list.evicted).toBe(0);
    const demo = await inbox(h, 'demo');
    expect(demo.messages).toHaveLength(5);
    expect(demo.evicted).toBe(0);
    const info = (await h.app.inject('/_emulator/info')).json() as Info;
    expectControlShape('Info', info);
    expect(info).not.toHaveProperty('retainDeliveries');
  });

  it('shows the limit in /_emulator/info', async () => {
    const h = await startHarness({ retainDeliveries: 25 });
    const info = (await h.app.inject('/_emulator/info')).json() as Info;
    expectControlShape('Info', info);
    expect(info.retainDeliveries).toBe(25);
  });

  it.each([0, -1, 2.5, Number.NaN])('refuses retainDeliveries %s with a clear message', async (value) => {
    await expect(buildTestApp({ retainDeliveries: value })).rejects.toThrow(
      `retainDeliveries must be a whole number of at least 1, got ${value}.`,
    );
  });
});
