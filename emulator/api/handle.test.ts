import { afterEach, describe, expect, it } from 'vitest';
import { expectValidPayload } from '../testing/http.js';
import { TestReceiver } from '../testing/receiver.js';
import { testSeed } from '../testing/seed.js';
import { type RunningEmulator, startEmulator } from './start.js';

describe('startEmulator(): the programmatic API', () => {
  let emulator: RunningEmulator | undefined;
  let receiver: TestReceiver | undefined;
  afterEach(async () => {
    await emulator?.close();
    await receiver?.close();
    emulator = undefined;
    receiver = undefined;
  });

  it('hands back tokens by UPN (seeded or unsigned JWT) and the mailboxes', async () => {
    emulator = await startEmulator({ seed: testSeed, logLevel: false });
    expect(emulator.tokens['admin@contoso.example']).toBe('admin-token-0001');
    expect(emulator.tokens['jwt-admin@contoso.example']?.split('.')).toHaveLength(3);
    expect(emulator.mailboxes).toEqual([
      { email: 'lunch@contoso.example', displayName: 'Contoso Lunch' },
      { email: 'clinic@fabrikam.example', displayName: 'Fabrikam Clinic' },
    ]);
  });

  it('subscribes, changes appointments and waits for each delivery', async () => {
    emulator = await startEmulator({ seed: testSeed, logLevel: false });
    receiver = await new TestReceiver().start();
    const created = await emulator.subscribe({ url: `${receiver.url}/c`, trigger: 'created' });
    expect(created).toMatchObject({
      status: 200,
      webhookId: expect.any(String),
      location: expect.stringContaining('/webhook/'),
    });
    const all = await emulator.subscribe({ url: `${receiver.url}/all`, trigger: ['updated', 'cancelled'] });
    expect(all.status).toBe(201);
    const appointment = await emulator.createAppointment({
      serviceId: 'one',
      startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
      customers: [
        {
          name: 'Jordan Miller',
          emailAddress: 'jordan@example.com',
          customQuestionAnswers: [{ questionId: 'topic', selectedOptions: ['Tax'] }],
        },
      ],
    });
    const first = await emulator.waitForDelivery({ appointmentId: appointment.id, changeType: 'Created' });
    expect(first.status).toBe('delivered');
    expectValidPayload(first.payload);
    await emulator.updateAppointment(appointment.id, { additionalInformation: 'moved' });
    const update = await emulator.waitForDelivery({ appointmentId: appointment.id, changeType: 'Updated' });
    expect(update.payload.AdditionalInfo).toBe('moved');
    await emulator.cancelAppointment(appointment.id, 'ill');
    const cancel = await emulator.waitForDelivery({ appointmentId: appointment.id, changeType: 'Deleted' });
    expect(cancel.webhookId).toBe(all.webhookId);
    expect(emulator.deliveries({ appointmentId: appointment.id })).toHaveLength(3);
  });

  it('reports refusals instead of throwing, and names the error', async () => {
    emulator = await startEmulator({ seed: testSeed, logLevel: false });
    const refused = await emulator.subscribe({ url: 'https://evil.example/x' });
    expect(refused.status).toBe(403);
    expect(refused.error?.code).toBe('NotificationUrlNotAllowlisted');
    const notAdmin = await emulator.subscribe({ url: 'http://127.0.0.1:9/x', as: 'member@contoso.example' });
    expect(notAdmin.error?.code).toBe('NotBookingsAdministrator');
    await expect(
      emulator.createAppointment({ serviceId: 'nope', startDateTime: { dateTime: '2026-01-06T09:00:00' } }),
    ).rejects.toThrow(/400.*ServiceNotFound/);
  });

  it('advances the clock through a retry ladder, and times out a wait that cannot be met', async () => {
    emulator = await startEmulator({
      seed: testSeed,
      logLevel: false,
      clock: { virtualStart: '2026-01-05T08:00:00Z' },
    });
    receiver = await new TestReceiver((n) => ({ status: n <= 3 ? 503 : 200 })).start();
    const { webhookId } = await emulator.subscribe({ url: `${receiver.url}/flaky` });
    await emulator.createAppointment({
      serviceId: 'one',
      startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
      customers: [
        {
          name: 'Sam Lee',
          emailAddress: 'sam@example.com',
          customQuestionAnswers: [{ questionId: 'topic', selectedOptions: ['Tax'] }],
        },
      ],
    });
    const settled = emulator.waitForDelivery({ webhookId });
    await emulator.advanceClock('1m');
    expect((await settled).attempts.map((attempt) => attempt.responseStatus)).toEqual([503, 503, 503, 200]);
    await expect(emulator.waitForDelivery({ appointmentId: 'none' }, { timeout: 50 })).rejects.toThrow(
      /no delivery matching/,
    );
    await expect(emulator.advanceClock('soon')).rejects.toThrow(/duration/);
  });
});
