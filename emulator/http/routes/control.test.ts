import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { getSchemaRegistry, schemaId } from '../../core/schemas/registry.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  oneToOneAppointment,
  subscribe,
} from '../../testing/http.js';
import { adminAuth } from '../../testing/seed.js';

const controlShape = (definition: string) => schemaId('control-api', `#/$defs/${definition}`);

function collectRefs(node: unknown, refs: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, refs);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') refs.push(value);
      else collectRefs(value, refs);
    }
  }
  return refs;
}

function resolvePointer(document: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, token) => (node as Record<string, unknown> | undefined)?.[token], document);
}

describe('control API', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
  });

  it('answers health once ready', async () => {
    app = await buildTestApp();
    const response = await app.inject('/_emulator/health');
    expect(response.statusCode).toBe(200);
    expect(getSchemaRegistry().check(controlShape('Health'), response.json())).toEqual([]);
  });

  it('serves openapi.json whose every $ref resolves, files included, under /_emulator/schemas/', async () => {
    app = await buildTestApp();
    const document = (await app.inject('/_emulator/openapi.json')).json();
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.values(
      document.paths as Record<string, Record<string, { operationId?: string }>>,
    )
      .flatMap((item) => Object.values(item))
      .map((operation) => operation.operationId)
      .filter(Boolean);
    for (const id of [
      'CreateAppointment',
      'UpdateAppointment',
      'CancelAppointment',
      'ListBookingsBusinessUserAsAdmin',
      'DeleteWebhook',
    ]) {
      expect(operations).toContain(id);
    }
    const files = new Map<string, unknown>();
    for (const ref of collectRefs(document)) {
      const [file, fragment = ''] = ref.split('#');
      let target: unknown = document;
      if (file) {
        expect(file).toMatch(/^schemas\/[a-z.-]+\.schema\.json$/);
        if (!files.has(file)) {
          const response = await app.inject(`/_emulator/${file}`);
          expect(response.statusCode, ref).toBe(200);
          files.set(file, response.json());
        }
        target = files.get(file);
      }
      expect(resolvePointer(target, fragment), ref).toBeDefined();
    }
    expect(files.size).toBeGreaterThanOrEqual(6);
    expect((await app.inject('/_emulator/schemas/..%2Fpackage.json')).statusCode).toBe(404);
  });

  it('lists flows and resets to the seed', async () => {
    app = await buildTestApp();
    expect((await subscribe(app, 'http://127.0.0.1:9/a')).statusCode).toBe(200);
    expect((await createAppointment(app, oneToOneAppointment())).statusCode).toBe(201);
    const flows = (await app.inject('/_emulator/flows')).json();
    expect(getSchemaRegistry().check(controlShape('FlowList'), flows)).toEqual([]);
    expect(flows.flows).toHaveLength(1);
    expect(flows.flows[0]).toMatchObject({
      mailbox: 'lunch@contoso.example',
      createdBy: 'admin@contoso.example',
    });

    expect((await app.inject({ method: 'POST', url: '/_emulator/reset' })).statusCode).toBe(204);
    expect((await app.inject('/_emulator/flows')).json().flows).toEqual([]);
    expect((await app.inject('/_emulator/deliveries')).json().deliveries).toEqual([]);
    const list = await app.inject('/v1.0/solutions/bookingBusinesses/lunch@contoso.example/appointments');
    expect(list.json().value).toEqual([]);
  });

  it('advances a real clock (it keeps moving by itself) and a virtual one', async () => {
    app = await buildTestApp();
    const before = (await app.inject('/_emulator/clock')).json();
    expect(before.mode).toBe('real');
    const jumped = (
      await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { byMs: 3_600_000 } })
    ).json();
    expect(Date.parse(jumped.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(3_600_000);
    await app.close();

    app = await buildTestApp({ clock: { virtualStart: '2026-01-05T08:00:00Z' } });
    const advanced = await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { byMs: 90_000 } });
    expect(advanced.json()).toMatchObject({ mode: 'virtual', now: '2026-01-05T08:01:30.000Z' });
    const moved = await app.inject({
      method: 'POST',
      url: '/_emulator/clock',
      payload: { to: '2026-01-06T00:00:00Z' },
    });
    expect(moved.json().now).toBe('2026-01-06T00:00:00.000Z');
    expectError(
      await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { to: '2026-01-01T00:00:00Z' } }),
      400,
      'InvalidControlRequest',
    );
    expectError(
      await app.inject({ method: 'POST', url: '/_emulator/clock', payload: {} }),
      400,
      'InvalidControlRequest',
    );
    expectError(
      await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { byMs: -1 } }),
      400,
      'InvalidRequestBody',
    );
  });

  it('validates quirk switches', async () => {
    app = await buildTestApp();
    const bad = await app.inject({
      method: 'PATCH',
      url: '/_emulator/quirks',
      payload: { 'no-such-quirk': true },
    });
    expectError(bad, 400, 'InvalidRequestBody');
    expect(bad.json().error.target).toBe('/no-such-quirk');
    const typed = await app.inject({
      method: 'PATCH',
      url: '/_emulator/quirks',
      payload: { 'reschedule-new-id': 'yes' },
    });
    expectError(typed, 400, 'InvalidRequestBody');
  });

  it('answers 413 for a body over the limit, and keeps serving', async () => {
    app = await buildTestApp({ bodyLimitBytes: 1024 });
    const huge = {
      webhook: {
        notification_url: `http://127.0.0.1/${'x'.repeat(2048)}`,
        resource: 'Appointments',
        change_type: ['Created'],
      },
    };
    const response = await app.inject({
      method: 'POST',
      url: '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentCreated',
      headers: adminAuth,
      payload: huge,
    });
    expectError(response, 413, 'PayloadTooLarge');
    expect((await app.inject('/_emulator/flows')).json().flows).toEqual([]);
    expect((await app.inject('/_emulator/health')).statusCode).toBe(200);
  });
});

describe('faults and reset to another seed', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
  });

  it('makes the next N trigger-API calls answer the injected status, with Retry-After, then recovers', async () => {
    app = await buildTestApp();
    const added = await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      payload: { target: 'trigger-api', status: 429, count: 2, retryAfterSeconds: 7 },
    });
    expect(added.statusCode).toBe(201);
    expect(
      getSchemaRegistry().check(controlShape('FaultList'), (await app.inject('/_emulator/faults')).json()),
    ).toEqual([]);
    for (let i = 0; i < 2; i++) {
      const refused = await subscribe(app, 'http://127.0.0.1:9/a');
      expectError(refused, 429, 'WebhookLimitExceeded');
      expect(refused.headers['retry-after']).toBe('7');
      expect(refused.json().error.message).toContain('Injected fault');
    }
    expect((await subscribe(app, 'http://127.0.0.1:9/a')).statusCode).toBe(200);
    expect((await app.inject('/_emulator/faults')).json().faults).toEqual([]);
  });

  it.each([401, 403, 500, 503] as const)('injects %i on the trigger API', async (status) => {
    app = await buildTestApp();
    await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      payload: { target: 'trigger-api', status },
    });
    const codes = {
      401: 'Unauthenticated',
      403: 'NotBookingsAdministrator',
      500: 'InternalServerError',
      503: 'ServiceUnavailable',
    } as const;
    expectError(await subscribe(app, 'http://127.0.0.1:9/a'), status, codes[status]);
  });

  it('refuses faults it cannot inject, and clears them', async () => {
    app = await buildTestApp();
    expectError(
      await app.inject({
        method: 'POST',
        url: '/_emulator/faults',
        payload: { target: 'trigger-api', status: 418 },
      }),
      400,
      'InvalidRequestBody',
    );
    await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      payload: { target: 'inbox', inbox: 'x', status: 500 },
    });
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/faults' })).statusCode).toBe(204);
    expect((await app.inject('/_emulator/faults')).json().faults).toEqual([]);
  });

  it('makes a built-in inbox refuse its next deliveries, recording only what it accepts', async () => {
    app = await buildTestApp();
    await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      payload: { target: 'inbox', inbox: 'x', status: 503, count: 1 },
    });
    const refused = await app.inject({ method: 'POST', url: '/_emulator/inbox/x', payload: { n: 1 } });
    expect(refused.statusCode).toBe(503);
    expect(
      (await app.inject({ method: 'POST', url: '/_emulator/inbox/x', payload: { n: 2 } })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject('/_emulator/inbox/x')).json().messages.map((m: { body: { n: number } }) => m.body.n),
    ).toEqual([2]);
  });

  it('resets to another seed and quirks, and refuses an invalid seed with the problem', async () => {
    app = await buildTestApp();
    const seed = {
      users: [{ upn: 'boss@new.example', token: 'new-boss-token' }],
      businesses: [
        {
          email: 'shop@new.example',
          displayName: 'New Shop',
          staff: [{ id: 'b', displayName: 'Boss', emailAddress: 'boss@new.example', role: 'administrator' }],
        },
      ],
    };
    const reset = await app.inject({
      method: 'POST',
      url: '/_emulator/reset',
      payload: { seed, quirks: { 'reschedule-new-id': true } },
    });
    expect(reset.statusCode).toBe(204);
    expect((await app.inject('/_emulator/quirks')).json()['reschedule-new-id']).toBe(true);
    const list = await app.inject({
      url: '/BookingsService/api/V1/bookingBusinessesUserAsAdmin',
      headers: { authorization: 'Bearer new-boss-token', 'x-prefer-owauserconfig': 'true' },
    });
    expect(list.json()).toEqual({ mailboxes: [{ displayName: 'New Shop', email: 'shop@new.example' }] });
    expectError(await subscribe(app, 'http://127.0.0.1:9/a'), 401, 'Unauthenticated');

    const bad = await app.inject({
      method: 'POST',
      url: '/_emulator/reset',
      payload: { seed: { businesses: [seed.businesses[0], seed.businesses[0]] } },
    });
    expectError(bad, 400, 'InvalidControlRequest');
    expect(bad.json().error.message).toContain('duplicate business email');
    // A refused reset changes nothing.
    expect((await app.inject('/_emulator/quirks')).json()['reschedule-new-id']).toBe(true);
  });
});

describe('built-in inbox', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
  });

  it('records what it receives, in order, per name; reads back and clears', async () => {
    app = await buildTestApp();
    await app.inject({ method: 'POST', url: '/_emulator/inbox/a', payload: { n: 1 } });
    await app.inject({ method: 'POST', url: '/_emulator/inbox/a', payload: { n: 2 } });
    await app.inject({
      method: 'POST',
      url: '/_emulator/inbox/b',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    const inbox = (await app.inject('/_emulator/inbox/a')).json();
    expect(getSchemaRegistry().check(controlShape('Inbox'), inbox)).toEqual([]);
    expect(inbox.messages.map((message: { body: { n: number } }) => message.body.n)).toEqual([1, 2]);
    expect(inbox.messages[0].headers['content-type']).toBe('application/json');
    expect((await app.inject('/_emulator/inbox/b')).json().messages[0].body).toBe('hello');
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/inbox/a' })).statusCode).toBe(204);
    expect((await app.inject('/_emulator/inbox/a')).json().messages).toEqual([]);
  });
});
