import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getSchemaRegistry, schemaId } from '../../core/schemas/registry.js';
import type { ChangeType, Subscription } from '../../generated/schema-types.js';
import { buildTestApp, expectError, subscribe, subscribeBody, triggerBase } from '../../testing/http.js';
import { adminAuth, clinic, lunch, testSeed } from '../../testing/seed.js';

const receiverUrl = 'http://127.0.0.1:9/flow';
const encodedLunch = 'lunch%40contoso.example';
const admin2Auth = { authorization: 'Bearer admin2-token-001' };
const otherAdminAuth = { authorization: 'Bearer other-admin-tok1' };
const memberAuth = { authorization: 'Bearer member-token-001' };

const triggers: ReadonlyArray<{ changeType: ChangeType; path: string; status: number }> = [
  { changeType: 'Created', path: 'AppointmentCreated', status: 200 },
  { changeType: 'Updated', path: 'AppointmentUpdated', status: 201 },
  { changeType: 'Deleted', path: 'AppointmentDeleted', status: 201 },
];

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** An unsigned JWT as the emulator accepts it: alg none, empty signature. */
function unsignedJwt(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}

function expectSubscribeResponse(body: unknown): string {
  expect(getSchemaRegistry().check(schemaId('subscribe-response'), body)).toEqual([]);
  return (body as { webhookId: string }).webhookId;
}

function expectMailboxList(body: unknown): void {
  expect(getSchemaRegistry().check(schemaId('mailbox-list'), body)).toEqual([]);
}

/** Asserts 200 + valid {webhookId} or 201 + empty body, per change type; returns nothing. */
function expectSubscribed(response: LightMyRequestResponse, changeType: ChangeType = 'Created'): void {
  if (changeType === 'Created') {
    expect(response.statusCode, response.body).toBe(200);
    expectSubscribeResponse(response.json());
  } else {
    expect(response.statusCode, response.body).toBe(201);
    expect(response.body).toBe('');
  }
}

async function flows(app: FastifyInstance): Promise<Subscription[]> {
  const response = await app.inject({ method: 'GET', url: '/_emulator/flows' });
  expect(response.statusCode).toBe(200);
  return (response.json() as { flows: Subscription[] }).flows;
}

function locationOf(response: LightMyRequestResponse): string {
  const location = response.headers.location;
  expect(typeof location).toBe('string');
  return location as string;
}

/** The Location header as an absolute URL; returns its path (origin stripped). */
function locationPath(response: LightMyRequestResponse): string {
  const location = locationOf(response);
  expect(location).toMatch(/^https?:\/\//);
  const url = new URL(location);
  return `${url.pathname}${url.search}`;
}

function webhookIdFromLocation(response: LightMyRequestResponse): string {
  const path = locationPath(response);
  const last = path.split('/').pop() ?? '';
  return decodeURIComponent(last);
}

function backendSubscribe(
  app: FastifyInstance,
  changeTypes: ChangeType[],
  options: { mailbox?: string; headers?: Record<string, string>; prefix?: string } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `${options.prefix ?? triggerBase}/bookingBusinesses/${options.mailbox ?? encodedLunch}/webhook/`,
    headers: options.headers ?? adminAuth,
    payload: subscribeBody(receiverUrl, changeTypes),
  });
}

function rawSubscribe(
  app: FastifyInstance,
  options: {
    mailboxPath?: string;
    trigger?: string;
    headers?: Record<string, string>;
    payload?: unknown;
    prefix?: string;
  } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `${options.prefix ?? triggerBase}/bookingBusinesses/${options.mailboxPath ?? encodedLunch}/webhook/${
      options.trigger ?? 'AppointmentCreated'
    }`,
    headers: options.headers ?? adminAuth,
    payload: (options.payload ?? subscribeBody(receiverUrl)) as object,
  });
}

function deleteWebhook(
  app: FastifyInstance,
  webhookId: string,
  options: { mailboxPath?: string; headers?: Record<string, string>; prefix?: string } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'DELETE',
    url: `${options.prefix ?? triggerBase}/bookingBusinesses/${options.mailboxPath ?? encodedLunch}/webhook/${encodeURIComponent(webhookId)}`,
    headers: options.headers ?? adminAuth,
  });
}

function listMailboxes(
  app: FastifyInstance,
  headers: Record<string, string>,
  prefix = triggerBase,
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: `${prefix}/bookingBusinessesUserAsAdmin`, headers });
}

describe('trigger API', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await app?.close();
    app = undefined;
  });

  async function start(options: Parameters<typeof buildTestApp>[0] = {}): Promise<FastifyInstance> {
    app = await buildTestApp(options);
    return app;
  }

  describe('per-trigger paths and the Location header', () => {
    it('AppointmentCreated answers 200 with {webhookId} and a Location ending in the DELETE path', async () => {
      const app = await start();
      const response = await subscribe(app, receiverUrl, { changeType: 'Created' });
      expect(response.statusCode, response.body).toBe(200);
      const webhookId = expectSubscribeResponse(response.json());
      const location = locationOf(response);
      expect(() => new URL(location)).not.toThrow();
      expect(location.endsWith(`/bookingBusinesses/${encodedLunch}/webhook/${webhookId}`)).toBe(true);
      expect(locationPath(response)).toBe(
        `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/${webhookId}`,
      );
      const stored = await flows(app);
      expect(stored.map((flow) => flow.webhookId)).toEqual([webhookId]);
      expect(stored[0]?.changeTypes).toEqual(['Created']);
    });

    it('AppointmentUpdated answers 201 with no body and a Location naming the stored webhook', async () => {
      const app = await start();
      const response = await subscribe(app, receiverUrl, { changeType: 'Updated' });
      expectSubscribed(response, 'Updated');
      const [flow] = await flows(app);
      expect(flow?.changeTypes).toEqual(['Updated']);
      const location = locationOf(response);
      expect(location).toMatch(/^https?:\/\//);
      expect(location.endsWith(`/bookingBusinesses/${encodedLunch}/webhook/${flow?.webhookId}`)).toBe(true);
    });

    it('AppointmentDeleted answers 201 with no body and a Location naming the stored webhook', async () => {
      const app = await start();
      const response = await subscribe(app, receiverUrl, { changeType: 'Deleted' });
      expectSubscribed(response, 'Deleted');
      const [flow] = await flows(app);
      expect(flow?.changeTypes).toEqual(['Deleted']);
      const location = locationOf(response);
      expect(location).toMatch(/^https?:\/\//);
      expect(location.endsWith(`/bookingBusinesses/${encodedLunch}/webhook/${flow?.webhookId}`)).toBe(true);
    });

    it('a DELETE on the path of the Location header answers 200 and removes the flow', async () => {
      const app = await start();
      for (const trigger of triggers) {
        const response = await subscribe(app, receiverUrl, { changeType: trigger.changeType });
        expect(response.statusCode).toBe(trigger.status);
        const before = await flows(app);
        const webhookId = webhookIdFromLocation(response);
        expect(before.map((flow) => flow.webhookId)).toContain(webhookId);
        const deleted = await app.inject({
          method: 'DELETE',
          url: locationPath(response),
          headers: adminAuth,
        });
        expect(deleted.statusCode, deleted.body).toBe(200);
        const after = await flows(app);
        expect(after.map((flow) => flow.webhookId)).not.toContain(webhookId);
        expect(after).toHaveLength(before.length - 1);
      }
    });
  });

  describe('connection-id form', () => {
    const prefix = `/conn-4711abc${triggerBase}`;

    it('subscribes under /{connectionId}/BookingsService/api/V1 with a Location that keeps the prefix', async () => {
      const app = await start();
      for (const trigger of triggers) {
        const response = await rawSubscribe(app, {
          prefix,
          trigger: trigger.path,
          payload: subscribeBody(receiverUrl, trigger.changeType),
        });
        expectSubscribed(response, trigger.changeType);
        const webhookId = webhookIdFromLocation(response);
        expect(locationPath(response)).toBe(
          `${prefix}/bookingBusinesses/${encodedLunch}/webhook/${webhookId}`,
        );
      }
      expect(await flows(app)).toHaveLength(3);
    });

    it('keeps the whole connection id in Location even when the id itself starts with "bookingBusiness"', async () => {
      const app = await start();
      const oddPrefix = `/bookingBusinessesConn${triggerBase}`;
      const response = await rawSubscribe(app, { prefix: oddPrefix });
      expect(response.statusCode, response.body).toBe(200);
      const webhookId = expectSubscribeResponse(response.json());
      expect(locationPath(response)).toBe(
        `${oddPrefix}/bookingBusinesses/${encodedLunch}/webhook/${webhookId}`,
      );
    });

    it('deletes under the connection-id form, also through its Location path', async () => {
      const app = await start();
      const first = await rawSubscribe(app, { prefix });
      const second = await rawSubscribe(app, { prefix });
      const firstId = expectSubscribeResponse(first.json());
      const deleted = await deleteWebhook(app, firstId, { prefix });
      expect(deleted.statusCode, deleted.body).toBe(200);
      const viaLocation = await app.inject({
        method: 'DELETE',
        url: locationPath(second),
        headers: adminAuth,
      });
      expect(viaLocation.statusCode, viaLocation.body).toBe(200);
      expect(await flows(app)).toEqual([]);
    });

    it('lists administered mailboxes under the connection-id form', async () => {
      const app = await start();
      const response = await listMailboxes(app, { ...adminAuth, 'x-prefer-owauserconfig': 'true' }, prefix);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expectMailboxList(body);
      expect(body).toEqual({ mailboxes: [{ displayName: 'Contoso Lunch', email: lunch }] });
    });
  });

  describe('backend form POST .../webhook/', () => {
    it('change_type ["Created"] answers 200 with {webhookId} and stores ["Created"]', async () => {
      const app = await start();
      const response = await backendSubscribe(app, ['Created']);
      expect(response.statusCode, response.body).toBe(200);
      const webhookId = expectSubscribeResponse(response.json());
      expect(locationPath(response)).toBe(
        `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/${webhookId}`,
      );
      const [flow] = await flows(app);
      expect(flow?.webhookId).toBe(webhookId);
      expect(flow?.changeTypes).toEqual(['Created']);
    });

    it('change_type ["Updated"] answers 201 with no body and stores ["Updated"]', async () => {
      const app = await start();
      const response = await backendSubscribe(app, ['Updated']);
      expectSubscribed(response, 'Updated');
      const [flow] = await flows(app);
      expect(flow?.changeTypes).toEqual(['Updated']);
      expect(webhookIdFromLocation(response)).toBe(flow?.webhookId);
    });

    it('change_type ["Deleted"] answers 201 with no body and stores ["Deleted"]', async () => {
      const app = await start();
      const response = await backendSubscribe(app, ['Deleted']);
      expectSubscribed(response, 'Deleted');
      const [flow] = await flows(app);
      expect(flow?.changeTypes).toEqual(['Deleted']);
      expect(webhookIdFromLocation(response)).toBe(flow?.webhookId);
    });

    it('stores several change types exactly as the body gave them', async () => {
      const app = await start();
      const response = await backendSubscribe(app, ['Updated', 'Deleted']);
      expectSubscribed(response, 'Updated');
      const [flow] = await flows(app);
      expect(flow?.changeTypes).toEqual(['Updated', 'Deleted']);
    });

    it('works under the connection-id form too', async () => {
      const app = await start();
      const prefix = `/conn-backend${triggerBase}`;
      const response = await backendSubscribe(app, ['Created'], { prefix });
      expect(response.statusCode, response.body).toBe(200);
      const webhookId = expectSubscribeResponse(response.json());
      expect(locationPath(response)).toBe(`${prefix}/bookingBusinesses/${encodedLunch}/webhook/${webhookId}`);
    });
  });

  describe('SMTP address spellings', () => {
    it('raw, percent-encoded and differently cased addresses reach the same mailbox', async () => {
      const app = await start();
      const spellings = [
        'lunch@contoso.example',
        'lunch%40contoso.example',
        'LUNCH%40CONTOSO.EXAMPLE',
        'Lunch@Contoso.Example',
        'lunch%40Contoso.EXAMPLE',
      ];
      for (const spelling of spellings) {
        const response = await rawSubscribe(app, { mailboxPath: spelling });
        expect(response.statusCode, `${spelling}: ${response.body}`).toBe(200);
        expectSubscribeResponse(response.json());
        expect(locationOf(response)).toContain(`/bookingBusinesses/${encodedLunch}/webhook/`);
      }
      const stored = await flows(app);
      expect(stored).toHaveLength(5);
      expect(new Set(stored.map((flow) => flow.mailbox.toLowerCase()))).toEqual(new Set([lunch]));
      // The five are counted together: a sixth in any spelling is refused.
      for (const spelling of spellings) {
        expectError(await rawSubscribe(app, { mailboxPath: spelling }), 429, 'WebhookLimitExceeded');
      }
    });

    it('deletes through any spelling of the mailbox', async () => {
      const app = await start();
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.push(expectSubscribeResponse((await rawSubscribe(app)).json()));
      const [a, b, c] = ids as [string, string, string];
      expect((await deleteWebhook(app, a, { mailboxPath: 'lunch@contoso.example' })).statusCode).toBe(200);
      expect((await deleteWebhook(app, b, { mailboxPath: 'LUNCH%40CONTOSO.EXAMPLE' })).statusCode).toBe(200);
      expect((await deleteWebhook(app, c, { mailboxPath: 'Lunch@Contoso.Example' })).statusCode).toBe(200);
      expect(await flows(app)).toEqual([]);
    });
  });

  describe('401 Unauthenticated', () => {
    const badHeaders: ReadonlyArray<[string, Record<string, string>]> = [
      ['no Authorization header', {}],
      ['an empty Authorization header', { authorization: '' }],
      ['a Basic credential', { authorization: 'Basic xxx' }],
      ['Bearer with no token', { authorization: 'Bearer' }],
      ['Bearer with only spaces', { authorization: 'Bearer   ' }],
      ['an unknown token', bearer('no-such-token-123')],
      ['a malformed JWT (three segments of garbage)', bearer('abc.def.ghi')],
      ['a JWT with non-base64url segments', bearer('@@@.$$$.%%%')],
      ['a JWT whose upn names no seeded user', bearer(unsignedJwt({ upn: 'nobody@contoso.example' }))],
      ['a JWT with no identity claim', bearer(unsignedJwt({ sub: 'abc' }))],
      [
        'an expired JWT',
        bearer(unsignedJwt({ upn: 'jwt-admin@contoso.example', exp: Math.floor(Date.now() / 1000) - 3600 })),
      ],
      [
        'a JWT for another audience',
        bearer(unsignedJwt({ upn: 'jwt-admin@contoso.example', aud: 'https://graph.microsoft.com/' })),
      ],
    ];

    for (const [name, headers] of badHeaders) {
      it(`refuses a subscribe with ${name}`, async () => {
        const app = await start();
        expectError(await rawSubscribe(app, { headers }), 401, 'Unauthenticated');
        expect(await flows(app)).toEqual([]);
      });
    }

    it('refuses a DELETE and a list without credentials', async () => {
      const app = await start();
      const webhookId = expectSubscribeResponse((await rawSubscribe(app)).json());
      expectError(await deleteWebhook(app, webhookId, { headers: {} }), 401, 'Unauthenticated');
      expectError(
        await deleteWebhook(app, webhookId, { headers: bearer('no-such-token-123') }),
        401,
        'Unauthenticated',
      );
      expect(await flows(app)).toHaveLength(1);
    });

    it('answers 401 before judging a malformed body', async () => {
      const app = await start();
      const notJson = await app.inject({
        method: 'POST',
        url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentCreated`,
        headers: { 'content-type': 'application/json' },
        payload: '{bad',
      });
      expectError(notJson, 401, 'Unauthenticated');
      const invalid = await rawSubscribe(app, { headers: bearer('no-such-token-123'), payload: { nope: 1 } });
      expectError(invalid, 401, 'Unauthenticated');
      const wrongType = await app.inject({
        method: 'POST',
        url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/`,
        headers: { 'content-type': 'text/plain', authorization: 'Basic xxx' },
        payload: 'hello',
      });
      expectError(wrongType, 401, 'Unauthenticated');
    });

    it('accepts an unsigned JWT whose upn names a seeded administrator', async () => {
      const app = await start();
      const token = unsignedJwt({ upn: 'jwt-admin@contoso.example' });
      expect(token.endsWith('.')).toBe(true);
      const response = await rawSubscribe(app, { headers: bearer(token) });
      expect(response.statusCode, response.body).toBe(200);
      expectSubscribeResponse(response.json());
      const [flow] = await flows(app);
      expect(flow?.createdBy.toLowerCase()).toBe('jwt-admin@contoso.example');
    });

    it('accepts an unsigned JWT that names the user with preferred_username', async () => {
      const app = await start();
      const token = unsignedJwt({ preferred_username: 'jwt-admin@contoso.example' });
      const response = await rawSubscribe(app, { headers: bearer(token) });
      expect(response.statusCode, response.body).toBe(200);
      expectSubscribeResponse(response.json());
    });

    it('accepts an unsigned JWT that names the user with email', async () => {
      const app = await start();
      const token = unsignedJwt({ email: 'jwt-admin@contoso.example' });
      const response = await rawSubscribe(app, { headers: bearer(token) });
      expect(response.statusCode, response.body).toBe(200);
      expectSubscribeResponse(response.json());
    });

    it('accepts a JWT with a future exp and the outlook.office.com audience', async () => {
      const app = await start();
      const token = unsignedJwt({
        upn: 'jwt-admin@contoso.example',
        aud: 'https://outlook.office.com/',
        exp: Math.floor(Date.now() / 1000) + 3600,
      });
      const response = await rawSubscribe(app, { headers: bearer(token) });
      expect(response.statusCode, response.body).toBe(200);
    });
  });

  describe('403 NotBookingsAdministrator', () => {
    const nonAdmins: ReadonlyArray<[string, string]> = [
      ['teamMember', 'member-token-001'],
      ['scheduler', 'scheduler-token1'],
      ['viewer', 'viewer-token-001'],
      ['guest', 'guest-token-0001'],
      ['externalGuest', 'external-token01'],
      ['a seeded user who is not staff (outsider)', 'outsider-token01'],
      ['an administrator of another business', 'other-admin-tok1'],
    ];

    for (const [role, token] of nonAdmins) {
      it(`refuses to subscribe for ${role}`, async () => {
        const app = await start();
        for (const trigger of triggers) {
          const response = await rawSubscribe(app, {
            headers: bearer(token),
            trigger: trigger.path,
            payload: subscribeBody(receiverUrl, trigger.changeType),
          });
          expectError(response, 403, 'NotBookingsAdministrator');
        }
        expectError(
          await backendSubscribe(app, ['Created'], { headers: bearer(token) }),
          403,
          'NotBookingsAdministrator',
        );
        expect(await flows(app)).toEqual([]);
      });
    }

    it('refuses a DELETE by a non-administrator and keeps the flow', async () => {
      const app = await start();
      const webhookId = expectSubscribeResponse((await rawSubscribe(app)).json());
      expectError(
        await deleteWebhook(app, webhookId, { headers: memberAuth }),
        403,
        'NotBookingsAdministrator',
      );
      expectError(
        await deleteWebhook(app, webhookId, { headers: otherAdminAuth }),
        403,
        'NotBookingsAdministrator',
      );
      expect(await flows(app)).toHaveLength(1);
    });
  });

  describe('403 NotificationUrlNotAllowlisted', () => {
    const hostile = [
      'https://x.logic.azure.com@evil.example/',
      'https://evil-logic.azure.com/workflows/abc',
      'http://2130706433/',
      'ftp://localhost/',
      'not-a-url',
      'https://logic.azure.com.evil.example/x',
    ];

    for (const url of hostile) {
      it(`refuses ${url}`, async () => {
        const app = await start();
        const response = await subscribe(app, url);
        expectError(response, 403, 'NotificationUrlNotAllowlisted');
        expect(response.json().error.target).toBe('/webhook/notification_url');
        expect(await flows(app)).toEqual([]);
      });
    }

    it('accepts a Logic Apps callback with an explicit :443 port', async () => {
      const app = await start();
      const url = 'https://prod-00.westus.logic.azure.com:443/workflows/abc';
      const response = await subscribe(app, url);
      expect(response.statusCode, response.body).toBe(200);
      expectSubscribeResponse(response.json());
      const [flow] = await flows(app);
      expect(flow?.notificationUrl).toBe(url);
    });

    it('accepts a loopback receiver http://127.0.0.1:9/x in the default profile', async () => {
      const app = await start();
      const response = await subscribe(app, 'http://127.0.0.1:9/x');
      expect(response.statusCode, response.body).toBe(200);
      expectSubscribeResponse(response.json());
    });

    it('the strict profile refuses http://localhost and accepts logic.azure.com', async () => {
      const app = await start({ profile: 'strict' });
      expectError(await subscribe(app, 'http://localhost:7071/flow'), 403, 'NotificationUrlNotAllowlisted');
      expectError(await subscribe(app, 'http://127.0.0.1:9/x'), 403, 'NotificationUrlNotAllowlisted');
      const response = await subscribe(app, 'https://prod-00.westus.logic.azure.com/workflows/abc');
      expect(response.statusCode, response.body).toBe(200);
      expectSubscribeResponse(response.json());
    });

    it('a seed allowlist replaces the profile list', async () => {
      const app = await start({ seed: { ...testSeed, allowlist: ['hooks.example.test'] } });
      const allowed = await subscribe(app, 'https://hooks.example.test/flow');
      expect(allowed.statusCode, allowed.body).toBe(200);
      expectSubscribeResponse(allowed.json());
      expectError(await subscribe(app, 'http://localhost/flow'), 403, 'NotificationUrlNotAllowlisted');
      expectError(
        await subscribe(app, 'https://prod-00.westus.logic.azure.com/workflows/abc'),
        403,
        'NotificationUrlNotAllowlisted',
      );
      expectError(
        await subscribe(app, 'https://sub.hooks.example.test/flow'),
        403,
        'NotificationUrlNotAllowlisted',
      );
    });
  });

  describe('429 WebhookLimitExceeded', () => {
    it('refuses the sixth flow of a mailbox, counted across triggers and administrators', async () => {
      const app = await start();
      const plan: ReadonlyArray<[ChangeType, Record<string, string>]> = [
        ['Created', adminAuth],
        ['Updated', admin2Auth],
        ['Deleted', adminAuth],
        ['Created', admin2Auth],
        ['Updated', adminAuth],
      ];
      for (const [changeType, headers] of plan) {
        expectSubscribed(await subscribe(app, receiverUrl, { changeType, headers }), changeType);
      }
      for (const trigger of triggers) {
        for (const headers of [adminAuth, admin2Auth]) {
          const response = await subscribe(app, receiverUrl, { changeType: trigger.changeType, headers });
          expectError(response, 429, 'WebhookLimitExceeded');
        }
      }
      expectError(
        await backendSubscribe(app, ['Deleted'], { headers: admin2Auth }),
        429,
        'WebhookLimitExceeded',
      );
      const jwt = bearer(unsignedJwt({ upn: 'jwt-admin@contoso.example' }));
      expectError(await subscribe(app, receiverUrl, { headers: jwt }), 429, 'WebhookLimitExceeded');
      expect(await flows(app)).toHaveLength(5);
    });

    it('leaves the other business unaffected', async () => {
      const app = await start();
      for (let i = 0; i < 5; i += 1) expectSubscribed(await subscribe(app, receiverUrl));
      expectError(await subscribe(app, receiverUrl), 429, 'WebhookLimitExceeded');
      for (let i = 0; i < 5; i += 1) {
        const response = await subscribe(app, receiverUrl, { mailbox: clinic, headers: otherAdminAuth });
        expectSubscribed(response);
      }
      expectError(
        await subscribe(app, receiverUrl, { mailbox: clinic, headers: otherAdminAuth }),
        429,
        'WebhookLimitExceeded',
      );
      const stored = await flows(app);
      expect(stored.filter((flow) => flow.mailbox.toLowerCase() === lunch)).toHaveLength(5);
      expect(stored.filter((flow) => flow.mailbox.toLowerCase() === clinic)).toHaveLength(5);
    });

    it('a DELETE frees exactly one slot', async () => {
      const app = await start();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1)
        ids.push(expectSubscribeResponse((await subscribe(app, receiverUrl)).json()));
      expectError(await subscribe(app, receiverUrl), 429, 'WebhookLimitExceeded');
      expect((await deleteWebhook(app, ids[2] as string)).statusCode).toBe(200);
      expectSubscribed(
        await subscribe(app, receiverUrl, { changeType: 'Updated', headers: admin2Auth }),
        'Updated',
      );
      expectError(await subscribe(app, receiverUrl), 429, 'WebhookLimitExceeded');
      expect(await flows(app)).toHaveLength(5);
    });

    it('webhookLimit: 7 raises the limit', async () => {
      const app = await start({ webhookLimit: 7 });
      for (let i = 0; i < 7; i += 1) {
        const trigger = triggers[i % 3] as (typeof triggers)[number];
        expectSubscribed(
          await subscribe(app, receiverUrl, { changeType: trigger.changeType }),
          trigger.changeType,
        );
      }
      expectError(await subscribe(app, receiverUrl), 429, 'WebhookLimitExceeded');
      expect(await flows(app)).toHaveLength(7);
    });

    it('50 concurrent subscribes on one app: exactly 5 succeed and 45 answer 429', async () => {
      const app = await start();
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const trigger = triggers[i % 3] as (typeof triggers)[number];
          return subscribe(app, receiverUrl, {
            changeType: trigger.changeType,
            headers: i % 2 === 0 ? adminAuth : admin2Auth,
          });
        }),
      );
      const succeeded = responses.filter(
        (response) => response.statusCode === 200 || response.statusCode === 201,
      );
      const refused = responses.filter((response) => response.statusCode === 429);
      expect(succeeded).toHaveLength(5);
      expect(refused).toHaveLength(45);
      for (const response of refused) expectError(response, 429, 'WebhookLimitExceeded');
      const stored = await flows(app);
      expect(stored).toHaveLength(5);
      expect(new Set(stored.map((flow) => flow.webhookId)).size).toBe(5);
    });
  });

  describe('400 InvalidRequestBody, MalformedJson, 415', () => {
    const valid = subscribeBody(receiverUrl).webhook;
    const cases: ReadonlyArray<[string, unknown, string]> = [
      ['missing webhook', {}, '/webhook'],
      [
        'missing notification_url',
        { webhook: { resource: 'Appointments', change_type: ['Created'] } },
        '/webhook/notification_url',
      ],
      ['a wrong resource', { webhook: { ...valid, resource: 'Calendars' } }, '/webhook/resource'],
      ['an empty change_type', { webhook: { ...valid, change_type: [] } }, '/webhook/change_type'],
      ['an unknown change type', { webhook: { ...valid, change_type: ['Moved'] } }, '/webhook/change_type/0'],
      [
        'notification_url as a number',
        { webhook: { ...valid, notification_url: 42 } },
        '/webhook/notification_url',
      ],
      [
        'an unknown extra field in webhook',
        { webhook: { ...valid, notificationUrl: 'x' } },
        '/webhook/notificationUrl',
      ],
      ['an unknown extra field at the top', { webhook: valid, extra: true }, '/extra'],
    ];

    for (const [name, payload, target] of cases) {
      it(`refuses ${name} with target ${target}`, async () => {
        const app = await start();
        const response = await rawSubscribe(app, { payload });
        expectError(response, 400, 'InvalidRequestBody');
        expect(response.json().error.target).toBe(target);
        const backend = await app.inject({
          method: 'POST',
          url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/`,
          headers: adminAuth,
          payload: payload as object,
        });
        expectError(backend, 400, 'InvalidRequestBody');
        expect(backend.json().error.target).toBe(target);
        expect(await flows(app)).toEqual([]);
      });
    }

    it('refuses a body that is not JSON with MalformedJson', async () => {
      const app = await start();
      const response = await app.inject({
        method: 'POST',
        url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentCreated`,
        headers: { ...adminAuth, 'content-type': 'application/json' },
        payload: '{bad',
      });
      expectError(response, 400, 'MalformedJson');
    });

    it('refuses content-type text/plain with 415 UnsupportedMediaType', async () => {
      const app = await start();
      const response = await app.inject({
        method: 'POST',
        url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentCreated`,
        headers: { ...adminAuth, 'content-type': 'text/plain' },
        payload: JSON.stringify(subscribeBody(receiverUrl)),
      });
      expectError(response, 415, 'UnsupportedMediaType');
      expect(await flows(app)).toEqual([]);
    });
  });

  describe('404 MailboxNotFound and WebhookNotFound', () => {
    it('an unknown mailbox on subscribe answers 404 MailboxNotFound', async () => {
      const app = await start();
      const response = await rawSubscribe(app, { mailboxPath: 'nobody%40contoso.example' });
      expectError(response, 404, 'MailboxNotFound');
      expectError(
        await backendSubscribe(app, ['Created'], { mailbox: 'nobody@contoso.example' }),
        404,
        'MailboxNotFound',
      );
    });

    it('an unknown mailbox on delete answers 404 MailboxNotFound', async () => {
      const app = await start();
      const webhookId = expectSubscribeResponse((await rawSubscribe(app)).json());
      expectError(
        await deleteWebhook(app, webhookId, { mailboxPath: 'nobody%40contoso.example' }),
        404,
        'MailboxNotFound',
      );
      expect(await flows(app)).toHaveLength(1);
    });

    it('an unknown webhook id answers 404 WebhookNotFound', async () => {
      const app = await start();
      expectError(await deleteWebhook(app, '00000000-0000-4000-8000-000000000000'), 404, 'WebhookNotFound');
    });

    it('a webhook id of the other business, deleted through this mailbox, answers 404 and stays', async () => {
      const app = await start();
      const created = await subscribe(app, receiverUrl, { mailbox: clinic, headers: otherAdminAuth });
      const webhookId = expectSubscribeResponse(created.json());
      expectError(await deleteWebhook(app, webhookId), 404, 'WebhookNotFound');
      expect((await flows(app)).map((flow) => flow.webhookId)).toEqual([webhookId]);
      const rightful = await deleteWebhook(app, webhookId, {
        mailboxPath: encodeURIComponent(clinic),
        headers: otherAdminAuth,
      });
      expect(rightful.statusCode, rightful.body).toBe(200);
    });

    it('a second DELETE of the same id answers 404', async () => {
      const app = await start();
      const webhookId = expectSubscribeResponse((await rawSubscribe(app)).json());
      expect((await deleteWebhook(app, webhookId)).statusCode).toBe(200);
      expectError(await deleteWebhook(app, webhookId), 404, 'WebhookNotFound');
    });
  });

  describe('GET /bookingBusinessesUserAsAdmin', () => {
    const prefer = { 'x-prefer-owauserconfig': 'true' };

    it('an administrator sees only lunch@contoso.example', async () => {
      const app = await start();
      const response = await listMailboxes(app, { ...adminAuth, ...prefer });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expectMailboxList(body);
      expect(body).toEqual({ mailboxes: [{ displayName: 'Contoso Lunch', email: lunch }] });
    });

    it('the other administrator sees only clinic@fabrikam.example', async () => {
      const app = await start();
      const response = await listMailboxes(app, { ...otherAdminAuth, ...prefer });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expectMailboxList(body);
      expect(body).toEqual({ mailboxes: [{ displayName: 'Fabrikam Clinic', email: clinic }] });
    });

    it('a team member sees an empty list', async () => {
      const app = await start();
      const response = await listMailboxes(app, { ...memberAuth, ...prefer });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expectMailboxList(body);
      expect(body).toEqual({ mailboxes: [] });
    });

    it('without X-Prefer-OWAUserConfig answers 400 MissingRequiredHeader', async () => {
      const app = await start();
      expectError(await listMailboxes(app, adminAuth), 400, 'MissingRequiredHeader');
      expectError(
        await listMailboxes(app, { ...adminAuth, 'x-prefer-owauserconfig': 'false' }),
        400,
        'MissingRequiredHeader',
      );
    });

    it('without credentials answers 401', async () => {
      const app = await start();
      expectError(await listMailboxes(app, prefer), 401, 'Unauthenticated');
      expectError(await listMailboxes(app, {}), 401, 'Unauthenticated');
    });
  });

  describe('500 InternalServerError', () => {
    it('answers 500 without leaking the cause when the store throws', async () => {
      const app = await start();
      vi.spyOn(app.emulator.state.store.subscriptions, 'addWithinLimit').mockImplementation(() => {
        throw new Error('disk on fire');
      });
      for (const trigger of triggers) {
        const response = await subscribe(app, receiverUrl, { changeType: trigger.changeType });
        expectError(response, 500, 'InternalServerError');
        expect(response.body).not.toContain('disk on fire');
        expect(response.headers.location).toBeUndefined();
      }
      const backend = await backendSubscribe(app, ['Created']);
      expectError(backend, 500, 'InternalServerError');
      expect(backend.body).not.toContain('disk on fire');
    });
  });

  describe('unknown routes', () => {
    const unknown: ReadonlyArray<[string, string]> = [
      ['GET', '/nope'],
      ['GET', `${triggerBase}/nope`],
      ['POST', `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentMoved/extra`],
      ['PUT', `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentCreated`],
      ['GET', `/conn-1${triggerBase}/nope`],
    ];

    for (const [method, url] of unknown) {
      it(`${method} ${url} answers 404 RouteNotFound with a JSON error body`, async () => {
        const app = await start();
        const response = await app.inject({ method: method as 'GET', url, headers: adminAuth });
        expectError(response, 404, 'RouteNotFound');
        expect(response.headers['content-type']).toMatch(/^application\/json/);
      });
    }

    const mailboxBase = `${triggerBase}/bookingBusinesses/${encodedLunch}`;
    const nearMisses: ReadonlyArray<[string, string, string]> = [
      [
        'POST',
        `${mailboxBase}/webhook/AppointmentCancelled`,
        `POST ${mailboxBase}/webhook/AppointmentDeleted`,
      ],
      ['POST', `${mailboxBase}/webhook/appointmentcreated`, `POST ${mailboxBase}/webhook/AppointmentCreated`],
      [
        'POST',
        `${mailboxBase}/webhooks/AppointmentUpdated`,
        `POST ${mailboxBase}/webhook/AppointmentUpdated`,
      ],
      ['POST', `${mailboxBase}/AppointmentCreated`, `POST ${mailboxBase}/webhook/AppointmentCreated`],
      ['POST', `${mailboxBase}/webhooks/`, `POST ${mailboxBase}/webhook/`],
      ['POST', `${mailboxBase}/webhook`, `POST ${mailboxBase}/webhook/`],
      ['DELETE', `${mailboxBase}/webhooks/abc`, `DELETE ${mailboxBase}/webhook/abc`],
      [
        'POST',
        `/conn-1/bookingsservice/api/v1/bookingBusinesses/${encodedLunch}/webhook/Cancelled`,
        `POST /conn-1${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentDeleted`,
      ],
      [
        'GET',
        `${triggerBase}/BookingBusinessesUserAsAdmin`,
        `GET ${triggerBase}/bookingBusinessesUserAsAdmin`,
      ],
    ];

    it.each(nearMisses)(
      '%s %s answers 404 RouteNotFound naming the route meant',
      async (method, url, meant) => {
        const app = await start();
        const response = await app.inject({
          method: method as 'POST',
          url,
          headers: adminAuth,
          ...(method === 'POST' ? { payload: subscribeBody(receiverUrl, 'Deleted') } : {}),
        });
        expectError(response, 404, 'RouteNotFound');
        expect(response.json().error.message).toContain(`Did you mean ${meant} (`);
        expect(await flows(app)).toEqual([]);
      },
    );

    it('says which trigger a near miss meant, and that paths are case-sensitive when only the case is wrong', async () => {
      const app = await start();
      const cancelled = await app.inject({
        method: 'POST',
        url: `${mailboxBase}/webhook/AppointmentCancelled`,
        headers: adminAuth,
        payload: subscribeBody(receiverUrl, 'Deleted'),
      });
      expect(cancelled.json().error.message).toContain(
        'the "When an appointment is cancelled" trigger subscribes at .../webhook/AppointmentDeleted',
      );
      expect(cancelled.json().error.message).not.toContain('case-sensitive');
      const casing = await app.inject({
        method: 'POST',
        url: `${mailboxBase}/webhook/appointmentcreated`,
        headers: adminAuth,
        payload: subscribeBody(receiverUrl),
      });
      expect(casing.json().error.message).toMatch(/\? Paths are case-sensitive\.$/);
      const wrongMethod = await app.inject({
        method: 'GET',
        url: `${mailboxBase}/webhook/AppointmentCreated`,
      });
      expectError(wrongMethod, 404, 'RouteNotFound');
      expect(wrongMethod.json().error.message).toContain(
        `${mailboxBase}/webhook/AppointmentCreated takes POST, not GET`,
      );
    });
  });

  describe('a per-trigger path with another change_type', () => {
    it('registers the flow by change_type, as the service does, and says so in x-emulator-note', async () => {
      // The app's own log goes to stderr (stdout is the CLI's: its banner and delivery lines).
      const written: string[] = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      const app = await start({ logLevel: 'warn' });
      const response = await app.inject({
        method: 'POST',
        url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentDeleted`,
        headers: adminAuth,
        payload: subscribeBody(receiverUrl, 'Created'),
      });
      // Answered as the path declares, registered as the body says.
      expectSubscribed(response, 'Deleted');
      const [flow] = await flows(app);
      expect(flow?.changeTypes).toEqual(['Created']);
      expect(response.headers['x-emulator-note']).toBe(
        'subscribed on .../webhook/AppointmentDeleted with change_type ["Created"]: this flow fires when an appointment is created, not when it is cancelled as the path says. The service goes by change_type, not by the path; for a "When an appointment is cancelled" flow send change_type ["Deleted"].',
      );
      const warnings = written
        .flatMap((text) => text.split('\n').filter((line) => line.startsWith('{')))
        .map((line) => JSON.parse(line) as { level: number; msg: string; webhookId?: string });
      expect(warnings).toEqual([
        expect.objectContaining({
          level: 40,
          msg: response.headers['x-emulator-note'],
          webhookId: flow?.webhookId,
        }),
      ]);
    });

    it('notes a change_type that goes beyond the path, and is silent when they agree', async () => {
      const app = await start();
      const beyond = await app.inject({
        method: 'POST',
        url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentCreated`,
        headers: adminAuth,
        payload: subscribeBody(receiverUrl, ['Created', 'Updated']),
      });
      expect(beyond.statusCode).toBe(200);
      expect(beyond.headers['x-emulator-note']).toContain(
        'fires when an appointment is created or updated, not only when it is created',
      );
      for (const trigger of triggers) {
        const agreeing = await subscribe(app, receiverUrl, { changeType: trigger.changeType });
        expect(agreeing.headers['x-emulator-note'], trigger.path).toBeUndefined();
      }
      const backend = await backendSubscribe(app, ['Deleted', 'Created']);
      expect(backend.headers['x-emulator-note']).toBeUndefined();
    });
  });
});
