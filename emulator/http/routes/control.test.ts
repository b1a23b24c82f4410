import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
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

  it('advances by a duration as scenarios write it: ms, s, m, h, d', async () => {
    app = await buildTestApp({ clock: { virtualStart: '2026-01-05T08:00:00Z' } });
    const advance = (payload: object) => app.inject({ method: 'POST', url: '/_emulator/clock', payload });
    const steps: Array<[string, string]> = [
      ['30m', '2026-01-05T08:30:00.000Z'],
      ['250ms', '2026-01-05T08:30:00.250Z'],
      ['1.5s', '2026-01-05T08:30:01.750Z'],
      ['2h', '2026-01-05T10:30:01.750Z'],
      ['1d', '2026-01-06T10:30:01.750Z'],
    ];
    for (const [by, now] of steps) {
      const answer = await advance({ by });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json().now, by).toBe(now);
    }
    const unknownUnit = await advance({ by: '2w' });
    expectError(unknownUnit, 400, 'InvalidRequestBody');
    expect(unknownUnit.json().error).toMatchObject({ target: '/by' });
    expect(unknownUnit.json().error.message).toContain('250ms, 2s, 30m, 4h or 1d');
    const tooFar = await advance({ by: '400d' });
    expectError(tooFar, 400, 'InvalidControlRequest');
    expect(tooFar.json().error.message).toContain('at most a year');
    const both = await advance({ by: '30m', byMs: 1000 });
    expectError(both, 400, 'InvalidControlRequest');
    expect(both.json().error.message).toContain('exactly one of "by" (a duration such as 30m), "byMs"');
    expect((await app.inject('/_emulator/clock')).json().now).toBe('2026-01-06T10:30:01.750Z');
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

  it('names the allowed targets when a fault has a wrong or no target', async () => {
    app = await buildTestApp();
    for (const payload of [{ target: 'triggers', status: 500 }, { status: 500 }]) {
      const refused = await app.inject({ method: 'POST', url: '/_emulator/faults', payload });
      expectError(refused, 400, 'InvalidRequestBody');
      expect(refused.json().error.target).toBe('/target');
      expect(refused.json().error.message).toContain('it must be one of "trigger-api", "inbox", "delivery"');
    }
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/_emulator/faults',
          payload: { target: 'triggers', status: 500 },
        })
      ).json().error.message,
    ).toContain('/target is "triggers"');
  });

  it.each([
    [{ target: 'inbox', status: 500 }, '/inbox', 'is required but missing (for target "inbox")'],
    [{ target: 'delivery', action: 'explode' }, '/action', 'must be one of ["drop","duplicate"'],
    [{ target: 'trigger-api' }, '/status', 'is required but missing (for target "trigger-api")'],
  ])('judges a fault against the kind its target names: %j', async (payload, pointer, problem) => {
    app = await buildTestApp();
    const refused = await app.inject({ method: 'POST', url: '/_emulator/faults', payload });
    expectError(refused, 400, 'InvalidRequestBody');
    expect(refused.json().error.target).toBe(pointer);
    expect(refused.json().error.message).toContain(problem);
    expect((await app.inject('/_emulator/faults')).json().faults).toEqual([]);
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

describe('docs/control-api.md', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
  });

  it('lists every control route of the OpenAPI document, and only routes that exist', async () => {
    app = await buildTestApp();
    const docs = readFileSync(join(packageRoot, 'docs', 'control-api.md'), 'utf8');
    const documented = [...docs.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/_emulator\/[^`]*)`/gm)].map(
      ([, method = '', path = '']) => ({ method, path }),
    );
    const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
    for (const { method, path } of documented) {
      expect(app.hasRoute({ method: method as 'GET', url: fastifyPath(path) }), `${method} ${path}`).toBe(
        true,
      );
    }
    const paths = (await app.inject('/_emulator/openapi.json')).json().paths as Record<string, object>;
    for (const [path, operations] of Object.entries(paths).filter(([path]) =>
      path.startsWith('/_emulator/'),
    )) {
      for (const method of Object.keys(operations).filter((key) => key !== 'parameters')) {
        expect(documented, `${method.toUpperCase()} ${path}`).toContainEqual({
          method: method.toUpperCase(),
          path,
        });
      }
    }
  });
});

describe('reset from a seed file', () => {
  let app: FastifyInstance;
  let folder: string;
  afterEach(async () => {
    await app.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const reset = (payload: object) => app.inject({ method: 'POST', url: '/_emulator/reset', payload });
  const write = (name: string, text: string) => {
    const file = join(folder, name);
    writeFileSync(file, text);
    return file;
  };

  it('starts again from a YAML seed file on the emulator machine', async () => {
    app = await buildTestApp();
    folder = mkdtempSync(join(tmpdir(), 'reset-seed-'));
    const file = write(
      'shop.yaml',
      [
        'users: [{ upn: boss@file.example, token: file-boss-token }]',
        'businesses:',
        '  - email: shop@file.example',
        '    displayName: File Shop',
        '    staff: [{ id: b, displayName: Boss, emailAddress: boss@file.example, role: administrator }]',
        '',
      ].join('\n'),
    );
    expect((await reset({ seedFile: file, quirks: { 'reschedule-new-id': true } })).statusCode).toBe(204);
    const list = await app.inject({
      url: '/BookingsService/api/V1/bookingBusinessesUserAsAdmin',
      headers: { authorization: 'Bearer file-boss-token', 'x-prefer-owauserconfig': 'true' },
    });
    expect(list.json()).toEqual({ mailboxes: [{ displayName: 'File Shop', email: 'shop@file.example' }] });
    expect((await app.inject('/_emulator/quirks')).json()['reschedule-new-id']).toBe(true);
  });

  it('reports the problems of a seed file at FILE:LINE:COL and changes nothing', async () => {
    app = await buildTestApp();
    folder = mkdtempSync(join(tmpdir(), 'reset-seed-'));
    const file = write(
      'bad.yaml',
      'businesses:\n  - email: x@y.example\n    displayName: X\n    staff: [{ id: s1, displayName: A, emailAddress: a@y.example, role: boss }]\n',
    );
    const invalid = await reset({ seedFile: file });
    expectError(invalid, 400, 'InvalidControlRequest');
    expect(invalid.json().error.target).toBe('/seedFile');
    expect(invalid.json().error.message).toContain(`${file}:4:`);
    expect(invalid.json().error.message).toMatch(/\/businesses\/0\/staff\/0\/role must be one of/);

    const broken = write('broken.yaml', 'businesses:\n  - email: [\n');
    const unparsable = await reset({ seedFile: broken });
    expectError(unparsable, 400, 'InvalidControlRequest');
    expect(unparsable.json().error.message).toMatch(
      new RegExp(`${broken.replaceAll('.', '\\.')}:\\d+:\\d+ `),
    );

    const missing = await reset({ seedFile: join(folder, 'nope.yaml') });
    expectError(missing, 400, 'InvalidControlRequest');
    expect(missing.json().error.message).toContain(`cannot read ${join(folder, 'nope.yaml')}: no such file`);
    expect(missing.json().error.message).toContain("read on the emulator's machine");

    const both = await reset({ seedFile: file, seed: { businesses: [] } });
    expectError(both, 400, 'InvalidControlRequest');
    expect(both.json().error.message).toContain('not both');
    // Nothing of that changed the seed in force.
    expect((await subscribe(app, 'http://127.0.0.1:9/a')).statusCode).toBe(200);
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
