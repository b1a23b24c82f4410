import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type StartedCli, startCli } from '../testing/cli.js';
import { type ReceivedRequest, TestReceiver } from '../testing/receiver.js';

const admin = { authorization: 'Bearer admin-token', 'content-type': 'application/json' };
const fastRetries = Array.from({ length: 30 }, () => '100ms').join(',');

async function subscribe(emulator: StartedCli, url: string): Promise<void> {
  const response = await fetch(
    `${emulator.url}/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentCreated`,
    {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        webhook: { notification_url: url, resource: 'Appointments', change_type: ['Created'] },
      }),
    },
  );
  expect(response.status).toBe(200);
}

async function createAppointment(emulator: StartedCli, hour: number): Promise<string> {
  const response = await fetch(
    `${emulator.url}/v1.0/solutions/bookingBusinesses/lunch@contoso.example/appointments`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        serviceId: 'svc1',
        startDateTime: { dateTime: `2026-01-06T${String(hour).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
        customers: [
          {
            name: `Customer ${hour}`,
            emailAddress: `c${hour}@example.com`,
            customQuestionAnswers: [{ questionId: 'q1', selectedOptions: ['Audit'] }],
          },
        ],
      }),
    },
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const acceptedIds = (received: ReceivedRequest[]) =>
  new Set(
    received
      .filter((request) => request.status === 200)
      .map((request) => (request.body as { Id: string }).Id),
  );

describe('durability with --data-dir', { timeout: 60_000 }, () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('survives SIGKILL in the middle of a burst: subscriptions and appointments kept, every event delivered at least once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bookings-durable-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    let healthy = false;
    // Accepts a few, then refuses everything until the emulator has been restarted.
    const receiver = await new TestReceiver((n) => ({ status: healthy || n <= 4 ? 200 : 503 })).start();
    cleanup.push(() => receiver.close());
    const args = ['--port', '0', '--quiet', '--data-dir', dataDir, '--retry-policy', fastRetries];

    const first = await startCli(args);
    cleanup.push(async () => {
      if (first.child.exitCode === null) await first.stop('SIGKILL');
    });
    await subscribe(first, `${receiver.url}/flow`);
    const ids: string[] = [];
    for (let hour = 0; hour < 20; hour++) ids.push(await createAppointment(first, hour));
    await receiver.waitFor(8);
    expect(acceptedIds(receiver.received).size).toBeLessThan(ids.length);
    expect(await first.stop('SIGKILL')).toBeNull();

    healthy = true;
    const second = await startCli(args);
    cleanup.push(async () => {
      if (second.child.exitCode === null) await second.stop('SIGKILL');
    });
    const flows = (await (await fetch(`${second.url}/_emulator/flows`)).json()) as {
      flows: Array<{ notificationUrl: string }>;
    };
    expect(flows.flows.map((flow) => flow.notificationUrl)).toEqual([`${receiver.url}/flow`]);
    const appointments = (await (
      await fetch(`${second.url}/v1.0/solutions/bookingBusinesses/lunch@contoso.example/appointments`)
    ).json()) as { value: Array<{ id: string }> };
    expect(appointments.value.map((appointment) => appointment.id).sort()).toEqual([...ids].sort());

    await receiver.waitUntil(
      (received) => ids.every((id) => acceptedIds(received).has(id)),
      'every appointment accepted at least once',
      30_000,
    );
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('keeps what the built-in inbox received across a restart, as the journal that says it was delivered', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bookings-inbox-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const args = ['--port', '0', '--quiet', '--data-dir', dataDir];
    const first = await startCli(args);
    cleanup.push(async () => {
      if (first.child.exitCode === null) await first.stop('SIGKILL');
    });
    await subscribe(first, `${first.url}/_emulator/inbox/durable`);
    const id = await createAppointment(first, 10);
    type Journal = { deliveries: Array<{ deliveryId: string; status: string }> };
    let journal: Journal = { deliveries: [] };
    for (let attempt = 0; attempt < 100 && journal.deliveries[0]?.status !== 'delivered'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      journal = (await (
        await fetch(`${first.url}/_emulator/deliveries?appointmentId=${id}`)
      ).json()) as Journal;
    }
    expect(journal.deliveries.map((delivery) => delivery.status)).toEqual(['delivered']);
    // SIGKILL: nothing gets a chance to flush on the way out.
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await startCli(args);
    cleanup.push(async () => {
      if (second.child.exitCode === null) await second.stop('SIGKILL');
    });
    const inbox = (await (await fetch(`${second.url}/_emulator/inbox/durable`)).json()) as {
      messages: Array<{ headers: Record<string, string>; body: { Id: string } }>;
    };
    expect(inbox.messages.map((message) => message.body.Id)).toEqual([id]);
    expect(inbox.messages[0]?.headers['x-emulator-delivery-id']).toBe(journal.deliveries[0]?.deliveryId);

    // A reset empties it, for good.
    expect((await fetch(`${second.url}/_emulator/reset`, { method: 'POST' })).status).toBe(204);
    expect(await second.stop('SIGTERM')).toBe(0);
    const third = await startCli(args);
    cleanup.push(async () => {
      if (third.child.exitCode === null) await third.stop('SIGKILL');
    });
    const emptied = (await (await fetch(`${third.url}/_emulator/inbox/durable`)).json()) as {
      messages: unknown[];
    };
    expect(emptied.messages).toEqual([]);
  });

  it('drains an attempt on the wire on SIGTERM, then exits 0 with it journaled', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bookings-drain-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // A receiver that answers only after the emulator has been told to stop.
    let arrived: () => void = () => undefined;
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let answer: () => void = () => undefined;
    const slow = createServer((request, response) => {
      request.resume();
      arrived();
      answer = () => response.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          slow.closeAllConnections();
          slow.close(() => resolve());
        }),
    );
    const emulator = await startCli(['--port', '0', '--quiet', '--data-dir', dataDir]);
    cleanup.push(async () => {
      if (emulator.child.exitCode === null) await emulator.stop('SIGKILL');
    });
    await subscribe(emulator, `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`);
    const id = await createAppointment(emulator, 9);
    await requestArrived;
    const exited = emulator.stop('SIGTERM');
    answer();
    expect(await exited).toBe(0);

    const again = await startCli(['--port', '0', '--quiet', '--data-dir', dataDir]);
    cleanup.push(async () => {
      if (again.child.exitCode === null) await again.stop('SIGKILL');
    });
    const journal = (await (await fetch(`${again.url}/_emulator/deliveries?appointmentId=${id}`)).json()) as {
      deliveries: Array<{ status: string }>;
    };
    expect(journal.deliveries.map((delivery) => delivery.status)).toEqual(['delivered']);
  });
});
