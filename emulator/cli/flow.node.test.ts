import { createServer } from 'node:net';
import { Ajv } from 'ajv';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../api/start.js';
import { createEmulatorClient } from '../client/client.js';
import { type CliResult, runCli } from '../testing/cli.js';
import { bookingsTrigger } from '../testing/flows.js';
import { TestReceiver } from '../testing/receiver.js';
import { useScenarioFolder } from '../testing/scenario-files.js';

const folder = useScenarioFolder('bookings-flow-cli-');

/** `flow subscribe FILE --url URL --token TOKEN --emulator URL`, through the built CLI. */
function subscribeFlow(file: string, options: { url: string; token: string; emulator: string }) {
  return runCli([
    'flow',
    'subscribe',
    file,
    '--url',
    options.url,
    '--token',
    options.token,
    '--emulator',
    options.emulator,
  ]);
}

const show = (result: CliResult) =>
  `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

const flowId = '0f8fad5b-d9cb-469f-a165-70867728950e';

function definition(triggers: Record<string, unknown>) {
  return {
    triggers,
    actions: { Compose: { type: 'Compose', inputs: "@triggerOutputs()?['body/StartTime']", runAfter: {} } },
  };
}

/** A Power Automate export package holding one flow with these triggers. */
function exportPackage(triggers: Record<string, unknown>): Uint8Array {
  return zipSync({
    'manifest.json': strToU8(
      JSON.stringify({
        schema: '1.0',
        resources: { [flowId]: { type: 'Microsoft.Flow/flows', details: { displayName: 'Lunch bookings' } } },
      }),
    ),
    [`Microsoft.Flow/flows/${flowId}/definition.json`]: strToU8(
      JSON.stringify({ name: flowId, properties: { displayName: 'x', definition: definition(triggers) } }),
    ),
  });
}

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ logLevel: false });
});
afterAll(async () => {
  await emulator?.close();
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('bookings-emulator flow subscribe', () => {
  it('subscribes each Bookings trigger on its mailbox, one line each, exit 0', async () => {
    emulator.reset();
    const file = folder.write(
      exportPackage({
        When_an_appointment_is_created: bookingsTrigger('CreateAppointment', 'lunch@contoso.example'),
        When_an_appointment_is_cancelled: bookingsTrigger('CancelAppointment', 'clinic@contoso.example'),
      }),
      'lunch.zip',
    );
    const result = await subscribeFlow(file, {
      url: 'inbox:standin',
      token: 'admin-token',
      emulator: emulator.url,
    });
    expect(result.code, show(result)).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^Lunch bookings: When_an_appointment_is_created \(created\) on lunch@contoso\.example: subscribed, webhook \S+$/,
      ),
      expect.stringMatching(
        /^Lunch bookings: When_an_appointment_is_cancelled \(cancelled\) on clinic@contoso\.example: subscribed, webhook \S+$/,
      ),
    ]);
    const { flows } = await createEmulatorClient({ baseUrl: emulator.url }).flows();
    expect(
      flows.map(({ mailbox, changeTypes, notificationUrl, createdBy }) => ({
        mailbox,
        changeTypes,
        notificationUrl,
        createdBy,
      })),
    ).toEqual([
      {
        mailbox: 'lunch@contoso.example',
        changeTypes: ['Created'],
        notificationUrl: `${emulator.url}/_emulator/inbox/standin`,
        createdBy: 'adele@contoso.example',
      },
      {
        mailbox: 'clinic@contoso.example',
        changeTypes: ['Deleted'],
        notificationUrl: `${emulator.url}/_emulator/inbox/standin`,
        createdBy: 'adele@contoso.example',
      },
    ]);
    for (const { webhookId } of flows) expect(result.stdout).toContain(`webhook ${webhookId}`);
  });

  it('calls each trigger its own path with its change_type and the bearer token, as Power Automate does', async () => {
    const fake = await new TestReceiver(() => ({
      status: 201,
      headers: { location: 'https://x/BookingsService/api/V1/bookingBusinesses/a/webhook/w-1' },
    })).start();
    try {
      const file = folder.write(
        JSON.stringify(
          definition({ When_updated: bookingsTrigger('UpdateAppointment', 'lunch@contoso.example') }),
        ),
        'definition.json',
      );
      const result = await subscribeFlow(file, {
        url: 'https://flow.example/cb?sig=1',
        token: 't0k',
        emulator: fake.url,
      });
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toContain('(updated) on lunch@contoso.example: subscribed, webhook w-1');
      expect(fake.received).toHaveLength(1);
      expect(fake.received[0]).toMatchObject({
        path: '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentUpdated',
        body: {
          webhook: {
            notification_url: 'https://flow.example/cb?sig=1',
            resource: 'Appointments',
            change_type: ['Updated'],
          },
        },
        headers: { authorization: 'Bearer t0k' },
      });
    } finally {
      await fake.close();
    }
  });

  it('prints the refusal with its status, code and message, exit 1', async () => {
    emulator.reset();
    const file = folder.write(
      exportPackage({
        When_an_appointment_is_created: bookingsTrigger('CreateAppointment', 'lunch@contoso.example'),
      }),
      'refused.zip',
    );
    const result = await subscribeFlow(file, {
      url: 'inbox:x',
      token: 'member-token',
      emulator: emulator.url,
    });
    expect(result.code, show(result)).toBe(1);
    expect(result.stdout).toMatch(
      /^Lunch bookings: When_an_appointment_is_created \(created\) on lunch@contoso\.example: refused, 403 NotBookingsAdministrator: .+/,
    );
  });

  it('exits 2 on a hostile archive, naming the problem', async () => {
    const file = folder.write(
      zipSync({ '../../outside/definition.json': strToU8('{}'), 'manifest.json': strToU8('{}') }),
      'evil.zip',
    );
    const result = await runCli(['flow', 'subscribe', file, '--url', 'inbox:x', '--token', 'admin-token']);
    expect(result.code, show(result)).toBe(2);
    expect(result.stderr).toContain(
      `bookings-emulator: ${file}: the entry "../../outside/definition.json" climbs out`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a missing file, a flow with no Bookings trigger, a bad --url, or no emulator listening', async () => {
    const missing = await runCli([
      'flow',
      'subscribe',
      '/nowhere/flow.zip',
      '--url',
      'inbox:x',
      '--token',
      't',
    ]);
    expect(missing.code, show(missing)).toBe(2);
    expect(missing.stderr).toContain('/nowhere/flow.zip: cannot read it: no such file');

    const none = folder.write(JSON.stringify(definition({})), 'none.json');
    const noTrigger = await runCli(['flow', 'subscribe', none, '--url', 'inbox:x', '--token', 't']);
    expect(noTrigger.code, show(noTrigger)).toBe(2);
    expect(noTrigger.stderr).toContain('no Bookings trigger in the flow "none"');

    const file = folder.write(
      JSON.stringify(definition({ T: bookingsTrigger('CreateAppointment', 'lunch@contoso.example') })),
      'one.json',
    );
    const badUrl = await runCli(['flow', 'subscribe', file, '--url', 'not a url', '--token', 't']);
    expect(badUrl.code, show(badUrl)).toBe(2);
    expect(badUrl.stderr).toContain('--url "not a url" is neither a URL nor inbox:NAME');

    const port = await closedPort();
    const down = await subscribeFlow(file, {
      url: 'inbox:x',
      token: 'admin-token',
      emulator: `http://127.0.0.1:${port}`,
    });
    expect(down.code, show(down)).toBe(2);
    expect(down.stderr).toContain(`cannot reach the emulator at http://127.0.0.1:${port} (ECONNREFUSED)`);

    const noToken = await runCli(['flow', 'subscribe', file, '--url', 'inbox:x']);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("required option '--token <token>' not specified");
  });
});

describe('bookings-emulator schema request-trigger', () => {
  it('prints a self-contained schema that accepts what the emulator posts to a stand-in flow', async () => {
    const result = await runCli(['schema', 'request-trigger']);
    expect(result.code, show(result)).toBe(0);
    const schema = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(result.stdout).not.toMatch(/"\$(ref|id|schema|defs)"/);
    expect(schema).toMatchObject({ type: 'object', properties: { StartTime: { type: 'string' } } });
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

    // A stand-in subscribed like the real flow, then a booking and its cancellation.
    emulator.reset();
    const file = folder.write(
      exportPackage({
        Created: bookingsTrigger('CreateAppointment', 'lunch@contoso.example'),
        Cancelled: bookingsTrigger('CancelAppointment', 'lunch@contoso.example'),
      }),
      'standin.zip',
    );
    const subscribed = await subscribeFlow(file, {
      url: 'inbox:standin',
      token: 'admin-token',
      emulator: emulator.url,
    });
    expect(subscribed.code, show(subscribed)).toBe(0);
    const appointment = await emulator.createAppointment({
      serviceId: 'svc2',
      startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
      customers: [
        {
          name: 'Jordan Miller',
          emailAddress: 'jordan@example.com',
          customQuestionAnswers: [{ questionId: 'q3', selectedOptions: ['Vegan'] }],
        },
      ],
    });
    const created = await emulator.waitForDelivery({ appointmentId: appointment.id, changeType: 'Created' });
    await emulator.cancelAppointment(appointment.id, 'Rained out');
    const cancelled = await emulator.waitForDelivery({
      appointmentId: appointment.id,
      changeType: 'Deleted',
    });
    for (const delivery of [created, cancelled]) {
      expect(delivery.status).toBe('delivered');
      expect(validate(delivery.payload), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(cancelled.payload.CancelReason).toBe('Rained out');
  });
});

describe('bookings-emulator run with a flow declared by its definition', () => {
  it('passes, exit 0', async () => {
    folder.write(
      JSON.stringify({
        properties: {
          definition: definition({ T: bookingsTrigger('CreateAppointment', 'lunch@contoso.example') }),
        },
      }),
      'Workflows-OnCreate.json',
    );
    const scenario = folder.write(
      [
        'name: flow-from-definition',
        'flows:',
        '  - { name: on-create, definition: Workflows-OnCreate.json, url: "inbox:created" }',
        'steps:',
        '  - subscribe: { flow: on-create }',
        '  - create: { ref: a1, service: svc1, start: +1h, customer: { name: Jordan Miller, email: jordan@example.com, answers: { q1: Audit } } }',
        '  - expect: { flow: on-create, ref: a1, count: 1, payload: { CustomerName: Jordan Miller } }',
        '',
      ].join('\n'),
      'from-definition.yaml',
    );
    const result = await runCli(['run', scenario]);
    expect(result.code, show(result)).toBe(0);
    const lint = await runCli(['lint', scenario]);
    expect(lint.code, show(lint)).toBe(0);
  });
});
