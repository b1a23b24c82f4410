import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForSettled } from './testing/deliveries.js';
import {
  buildTestApp,
  createAppointment,
  expectValidPayload,
  oneToOneAppointment,
  subscribe,
} from './testing/http.js';
import { TestReceiver } from './testing/receiver.js';

describe('end to end: subscribe, create, deliver', () => {
  let app: FastifyInstance;
  let receiver: TestReceiver;
  afterEach(async () => {
    await app.close();
    await receiver.close();
  });

  it('delivers a valid AppointmentData to a subscribed flow over the network', async () => {
    app = await buildTestApp();
    receiver = await new TestReceiver().start();
    const subscribed = await subscribe(app, `${receiver.url}/flow`);
    expect(subscribed.statusCode).toBe(200);
    const created = await createAppointment(app, oneToOneAppointment());
    expect(created.statusCode, created.body).toBe(201);
    const [request] = await receiver.waitFor(1);
    expect(request?.headers['content-type']).toBe('application/json');
    expectValidPayload(request?.body);
    const [delivery] = await waitForSettled(app, 1);
    expect(delivery?.status).toBe('delivered');
    expect(delivery?.attempts[0]?.responseStatus).toBe(200);
  });
});
