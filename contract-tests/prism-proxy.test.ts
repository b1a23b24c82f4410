import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../emulator/api/start.js';
import { type PrismProxy, prismViolations, startPrismProxy } from '../emulator/testing/prism.js';
import { testSeed } from '../emulator/testing/seed.js';

const mailbox = 'lunch%40contoso.example';
const base = '/BookingsService/api/V1';
const admin = { authorization: 'Bearer admin-token-0001' };
const subscribeBody = (url: string, changeType: string) => ({
  webhook: { notification_url: url, resource: 'Appointments', change_type: [changeType] },
});

/**
 * Every trigger-API operation and error rule, and the Graph-shaped actions, through Prism's
 * validation proxy: zero violations against schemas/openapi.yaml. (Prism refuses requests that
 * break the document itself, with 422, so malformed-body 400s cannot travel through it; they are
 * validated against error.schema.json in emulator/routes/trigger-api.test.ts.)
 */
describe('the emulator conforms to schemas/openapi.yaml (Prism validation proxy)', () => {
  let emulator: RunningEmulator;
  let prism: PrismProxy;
  const seen: Array<{ call: string; status: number; violations: string[] }> = [];

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(`${prism.url}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    seen.push({
      call: `${method} ${path}`,
      status: response.status,
      violations: await prismViolations(response),
    });
    return response;
  }

  beforeAll(async () => {
    emulator = await startEmulator({ seed: testSeed, logLevel: false, retryPolicy: 'none' });
    prism = await startPrismProxy(emulator.url);
  }, 60_000);

  afterAll(async () => {
    await prism?.stop();
    await emulator?.close();
  });

  it('answers every trigger-API operation and error rule without a violation', async () => {
    const hook = `${emulator.url}/_emulator/inbox/prism`;
    const created = await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/AppointmentCreated`, {
      headers: admin,
      body: subscribeBody(hook, 'Created'),
    });
    expect(created.status).toBe(200);
    const { webhookId } = (await created.json()) as { webhookId: string };
    expect(
      (
        await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/AppointmentUpdated`, {
          headers: admin,
          body: subscribeBody(hook, 'Updated'),
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/AppointmentDeleted`, {
          headers: admin,
          body: subscribeBody(hook, 'Deleted'),
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/`, {
          headers: admin,
          body: subscribeBody(hook, 'Created'),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/`, {
          headers: admin,
          body: subscribeBody(hook, 'Updated'),
        })
      ).status,
    ).toBe(201);
    // The sixth flow on the mailbox.
    expect(
      (
        await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/AppointmentCreated`, {
          headers: admin,
          body: subscribeBody(hook, 'Created'),
        })
      ).status,
    ).toBe(429);
    expect(
      (await call('DELETE', `${base}/bookingBusinesses/${mailbox}/webhook/${webhookId}`, { headers: admin }))
        .status,
    ).toBe(200);
    expect(
      (await call('DELETE', `${base}/bookingBusinesses/${mailbox}/webhook/${webhookId}`, { headers: admin }))
        .status,
    ).toBe(404);
    expect(
      (
        await call('GET', `${base}/bookingBusinessesUserAsAdmin`, {
          headers: { ...admin, 'x-prefer-owauserconfig': 'true' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/AppointmentCreated`, {
          headers: { authorization: 'Bearer nobody-token' },
          body: subscribeBody(hook, 'Created'),
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/AppointmentCreated`, {
          headers: { authorization: 'Bearer member-token-001' },
          body: subscribeBody(hook, 'Created'),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/AppointmentCreated`, {
          headers: admin,
          body: subscribeBody('https://evil.example/x', 'Created'),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('POST', `${base}/bookingBusinesses/nobody%40nowhere.example/webhook/AppointmentCreated`, {
          headers: admin,
          body: subscribeBody(hook, 'Created'),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('DELETE', `${base}/bookingBusinesses/nobody%40nowhere.example/webhook/x`, {
          headers: admin,
        })
      ).status,
    ).toBe(404);
    for (const status of [500, 503]) {
      await fetch(`${emulator.url}/_emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ target: 'trigger-api', status, retryAfterSeconds: 5 }),
      });
      expect(
        (
          await call('POST', `${base}/bookingBusinesses/${mailbox}/webhook/AppointmentDeleted`, {
            headers: admin,
            body: subscribeBody(hook, 'Deleted'),
          })
        ).status,
      ).toBe(status);
    }
    const withViolations = seen.filter((entry) => entry.violations.length > 0);
    expect(withViolations).toEqual([]);
  });

  it('answers the Graph-shaped actions and the control API without a violation', async () => {
    const appointments = '/v1.0/solutions/bookingBusinesses/lunch%40contoso.example/appointments';
    const created = await call('POST', appointments, {
      body: {
        serviceId: 'one',
        startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
        customers: [
          {
            name: 'Jordan Miller',
            emailAddress: 'jordan@example.com',
            customQuestionAnswers: [{ questionId: 'topic', selectedOptions: ['Tax'] }],
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await call('GET', appointments)).status).toBe(200);
    expect((await call('GET', `${appointments}/${id}`)).status).toBe(200);
    expect(
      (await call('PATCH', `${appointments}/${id}`, { body: { additionalInformation: 'moved' } })).status,
    ).toBe(200);
    expect(
      (await call('POST', `${appointments}/${id}/cancel`, { body: { cancellationMessage: 'sorry' } })).status,
    ).toBe(204);
    expect((await call('GET', `${appointments}/${id}`)).status).toBe(404);
    for (const path of [
      '/_emulator/health',
      '/_emulator/flows',
      '/_emulator/deliveries',
      '/_emulator/clock',
      '/_emulator/quirks',
      '/_emulator/faults',
      '/_emulator/inbox/prism',
    ]) {
      expect((await call('GET', path)).status, path).toBe(200);
    }
    const withViolations = seen.filter((entry) => entry.violations.length > 0);
    expect(withViolations).toEqual([]);
  });
});

describe('the Prism check can fail', () => {
  let upstream: Server;
  let prism: PrismProxy;

  beforeAll(async () => {
    // A deliberately broken Bookings: webhookId is a number, and an undeclared property appears.
    upstream = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ webhookId: 42, extra: true }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    prism = await startPrismProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  }, 60_000);

  afterAll(async () => {
    await prism?.stop();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  });

  it('flags a response that breaks the document', async () => {
    const response = await fetch(
      `${prism.url}${base}/bookingBusinesses/${mailbox}/webhook/AppointmentCreated`,
      {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify(subscribeBody('http://127.0.0.1:9/x', 'Created')),
      },
    );
    const violations = await prismViolations(response);
    expect(response.status).toBe(500);
    expect(violations.join('\n')).toMatch(/VIOLATIONS/);
    expect(violations.join('\n')).toMatch(/webhookId/);
  });
});
