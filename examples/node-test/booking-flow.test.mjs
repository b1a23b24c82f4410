// The same idea with Node's own test runner and no TypeScript: node --test examples/node-test/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator } from 'bookings-emulator';

let emulator;

before(async () => {
  emulator = await startEmulator({
    clock: { virtualStart: '2026-01-05T08:00:00Z' },
    retryPolicy: 'logic-apps',
  });
});

after(async () => {
  await emulator.close();
});

test('a cancelled 1:1 booking reaches the inbox flow without CancelReason (the documented quirk)', async () => {
  const inbox = `${emulator.url}/_emulator/inbox/cancels`;
  const subscription = await emulator.subscribe({ url: inbox, trigger: 'cancelled' });
  assert.equal(subscription.status, 201);

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
  await emulator.cancelAppointment(appointment.id, 'Customer ill');
  const delivery = await emulator.waitForDelivery({ appointmentId: appointment.id, changeType: 'Deleted' });

  assert.equal(delivery.status, 'delivered');
  assert.equal(delivery.payload.CustomerName, 'Jordan Miller');
  assert.equal('CancelReason' in delivery.payload, false);
});

test('a flow that fails twice is retried on the clock, which a test can advance', async () => {
  const { webhookId } = await emulator.subscribe({
    url: `${emulator.url}/_emulator/inbox/flaky`,
    trigger: 'created',
  });
  await fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ target: 'inbox', inbox: 'flaky', status: 500, count: 2 }),
  });
  await emulator.createAppointment({
    serviceId: 'svc1',
    startDateTime: { dateTime: '2026-01-07T09:00:00', timeZone: 'UTC' },
    customers: [
      {
        name: 'Sam Lee',
        emailAddress: 'sam@example.com',
        customQuestionAnswers: [{ questionId: 'q1', selectedOptions: ['Audit'] }],
      },
    ],
  });
  const waiting = emulator.waitForDelivery({ webhookId });
  await emulator.advanceClock('1m');
  const delivery = await waiting;
  assert.equal(delivery.status, 'delivered');
  assert.deepEqual(
    delivery.attempts.map((attempt) => attempt.responseStatus),
    [500, 500, 200],
  );
});
