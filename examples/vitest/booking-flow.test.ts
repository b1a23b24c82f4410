// A flow developer's test: start the emulator in-process, subscribe your flow's endpoint the way
// Power Automate would, make a booking, and check what your flow received.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningEmulator, startEmulator } from 'bookings-emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';

let emulator: RunningEmulator;
let flow: Server;
const received: unknown[] = [];

beforeAll(async () => {
  // Your flow stands here: any HTTP endpoint that accepts the trigger's POST.
  flow = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(JSON.parse(body));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => flow.listen(0, '127.0.0.1', resolve));
  emulator = await startEmulator({
    seed: 'fixtures/seeds/demo.yaml',
    clock: { virtualStart: '2026-01-05T08:00:00Z' },
  });
});

afterAll(async () => {
  await emulator.close();
  await new Promise<void>((resolve) => flow.close(() => resolve()));
});

it('sends "When an appointment is created" to my flow', async () => {
  const { port } = flow.address() as AddressInfo;
  const subscription = await emulator.subscribe({ url: `http://127.0.0.1:${port}/flow`, trigger: 'created' });
  expect(subscription.status).toBe(200);

  const appointment = await emulator.createAppointment({
    serviceId: 'svc1',
    startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
    customers: [
      {
        name: 'Jordan Miller',
        emailAddress: 'jordan@example.com',
        customQuestionAnswers: [{ questionId: 'q1', selectedOptions: ['Audit'] }],
      },
    ],
  });
  const delivery = await emulator.waitForDelivery({ appointmentId: appointment.id });

  expect(delivery.status).toBe('delivered');
  expect(received).toContainEqual(
    expect.objectContaining({ CustomerName: 'Jordan Miller', ServiceName: 'Consultation' }),
  );
});

it('refuses a sixth flow on one mailbox, as the real service does', async () => {
  for (let i = 0; i < 4; i++) await emulator.subscribe({ url: `http://127.0.0.1:9/flow-${i}` });
  const sixth = await emulator.subscribe({ url: 'http://127.0.0.1:9/flow-6' });
  expect(sixth.status).toBe(429);
  expect(sixth.error?.code).toBe('WebhookLimitExceeded');
});
