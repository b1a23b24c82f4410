/**
 * Issue 8, point 3: people probing the allowlist and the credentials on purpose. Every case goes
 * through the HTTP API as a user would send it and asserts the exact status and stable error code,
 * and that a refused request changed nothing. Allowlist rules: docs/contract.md (Rules) and decision 005
 * (the canonical parsed host only); credentials: docs/contract.md (Operations) policy and emulator/auth/bearer.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery, ErrorCode } from '../emulator/generated/schema-types.js';
import { waitForSettled } from '../emulator/testing/deliveries.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  oneToOneAppointment,
  subscribe,
  subscribeBody,
  triggerBase,
} from '../emulator/testing/http.js';
import { bearerHeader, unsignedJwt } from '../emulator/testing/jwt.js';
import { TestReceiver } from '../emulator/testing/receiver.js';
import { clinic, lunch, testSeed } from '../emulator/testing/seed.js';

const clockStart = '2026-01-05T08:00:00Z';
const nowSeconds = Date.parse(clockStart) / 1000;

/**
 * A receiver on 127.0.0.1 that a forbidden spelling of the same address would reach: if the
 * allowlist let such a spelling through, this receiver would see the request.
 */
let reachable: TestReceiver;
let port = 0;

beforeAll(async () => {
  reachable = await new TestReceiver().start();
  port = Number(new URL(reachable.url).port);
});
afterAll(async () => {
  await reachable.close();
});

/** Hostile notification URLs; `{port}` is the reachable receiver's port. */
const hostileUrls: Array<[string, string]> = [
  // userinfo
  ['allowed host as userinfo, evil host', 'http://127.0.0.1@evil.example/'],
  ['evil userinfo before an allowed host', 'http://evil.example@127.0.0.1:{port}/'],
  ['user:password before localhost', 'http://user:secret@localhost:{port}/'],
  ['allowed Power Platform host as userinfo', 'https://prod.logic.azure.com@evil.example/'],
  ['localhost:port as userinfo', 'http://localhost:{port}@evil.example/'],
  ['empty userinfo', 'http://@127.0.0.1:{port}/'],
  ['percent-encoded @ in the host', 'http://localhost%40evil.example/'],
  // look-alike and suffix hosts
  ['allowed host as a subdomain of an evil one', 'http://127.0.0.1.evil.example:{port}/'],
  ['localhost as a subdomain of an evil one', 'http://localhost.evil.example/'],
  ['Power Platform host as a subdomain of an evil one', 'https://prod.logic.azure.com.evil.example/'],
  ['suffix without a dot boundary', 'https://evillogic.azure.com/'],
  ['hyphenated look-alike', 'https://evil-logic.azure.com/'],
  ['bare apex of a wildcard pattern', 'https://logic.azure.com/'],
  ['prefix glued to localhost', 'http://evillocalhost:{port}/'],
  // mixed case and trailing dots on hosts that are still not allowed
  ['mixed-case look-alike', 'HTTP://LocalHost.Evil.Example./'],
  ['mixed-case apex with a trailing dot', 'https://Logic.Azure.COM./'],
  ['two trailing dots', 'http://localhost..:{port}/'],
  // IDN, homographs and punycode
  ['Cyrillic a in azure (raw Unicode)', 'https://prod.logic.\u0430zure.com/'],
  ['Cyrillic a in azure (punycode)', `https://${domainToASCII('prod.logic.\u0430zure.com')}/`],
  ['Cyrillic o in localhost (raw Unicode)', 'http://l\u043ecalhost:{port}/'],
  ['Cyrillic o in localhost (punycode)', `http://${domainToASCII('l\u043ecalhost')}:{port}/`],
  ['full-width localhost', 'http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54:{port}/'],
  ['ideographic full stops in 127.0.0.1', 'http://127\u30020\u30020\u30021:{port}/'],
  // IPv4 spellings of 127.0.0.1 and other addresses
  ['decimal', 'http://2130706433:{port}/'],
  ['octal', 'http://0177.0.0.1:{port}/'],
  ['hex', 'http://0x7f000001:{port}/'],
  ['dotted hex', 'http://0x7f.0x0.0x0.0x1:{port}/'],
  ['short 127.1', 'http://127.1:{port}/'],
  ['short 127.0.1', 'http://127.0.1:{port}/'],
  ['zero-padded', 'http://127.000.000.001:{port}/'],
  ['another loopback address', 'http://127.0.0.2:{port}/'],
  ['the unspecified address', 'http://0.0.0.0:{port}/'],
  ['cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
  // IPv6
  ['IPv6 loopback', 'http://[::1]:{port}/'],
  ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]:{port}/'],
  ['IPv4-mapped IPv6 loopback in hex', 'http://[::ffff:7f00:1]:{port}/'],
  ['IPv6 loopback written in full', 'http://[0:0:0:0:0:0:0:1]:{port}/'],
  // non-http schemes
  ['ftp', 'ftp://127.0.0.1:{port}/'],
  ['javascript:', 'javascript:fetch("http://127.0.0.1:{port}/")'],
  ['file:', 'file:///etc/passwd'],
  ['data:', 'data:application/json,{}'],
  ['ws:', 'ws://localhost:{port}/'],
  ['gopher:', 'gopher://127.0.0.1:{port}/'],
  // backslashes
  ['backslash before @ (parses to evil.example)', 'http://evil.example\\@localhost:{port}/'],
  ['backslashes instead of slashes', 'http:\\\\localhost:{port}\\hook'],
  // encoded characters in the host
  ['percent-encoded localhost', 'http://%6c%6f%63%61%6c%68%6f%73%74:{port}/'],
  ['partly percent-encoded localhost', 'http://local%68ost:{port}/'],
  ['percent-encoded dot', 'http://127.0.0%2e1:{port}/'],
  ['encoded NUL in the host', 'http://localhost%00.evil.example/'],
  // whitespace and control characters
  ['tab inside the host', 'http://local\thost:{port}/'],
  ['newline inside the host', 'http://local\nhost:{port}/'],
  ['NUL inside the host', 'http://localhost\u0000:{port}/'],
  ['zero-width space inside the host', 'http://local\u200bhost:{port}/'],
  ['space inside the host', 'http://local host:{port}/'],
  // ports and authority shapes
  ['port out of range', 'http://localhost:65536/'],
  ['negative port', 'http://localhost:-1/'],
  ['port with letters', 'http://localhost:80abc/'],
  ['scheme-relative URL', '//localhost:{port}/'],
  ['no slashes after the scheme', 'http:localhost:{port}/'],
  ['three slashes after the scheme', 'http:///localhost:{port}/'],
  ['not a URL', 'localhost'],
];

/**
 * Tricky spellings that are still the allowed host: accepted, and delivered to that host, called
 * as the allowlist matched it (decision 014: `localhost.` would skip the hosts file).
 */
const acceptedUrls: Array<[string, string, string]> = [
  ['upper-case scheme and host', 'HTTP://LOCALHOST:{port}/upper', 'http://localhost:{port}/upper'],
  ['mixed-case host with a trailing dot', 'http://LocalHost.:{port}/dot', 'http://localhost:{port}/dot'],
  ['IPv4 loopback with a trailing dot', 'http://127.0.0.1.:{port}/ip-dot', 'http://127.0.0.1:{port}/ip-dot'],
  [
    '@ in the query string',
    'http://127.0.0.1:{port}/query?who=a@evil.example',
    'http://127.0.0.1:{port}/query?who=a@evil.example',
  ],
  [
    '@ in the fragment',
    'http://127.0.0.1:{port}/fragment#a@evil.example',
    'http://127.0.0.1:{port}/fragment#a@evil.example',
  ],
];

const withPort = (url: string) => url.replaceAll('{port}', String(port));

async function flowCount(app: FastifyInstance): Promise<number> {
  const response = await app.inject({ method: 'GET', url: '/_emulator/flows' });
  return (response.json() as { flows: unknown[] }).flows.length;
}

async function journal(app: FastifyInstance): Promise<Delivery[]> {
  const response = await app.inject({ method: 'GET', url: '/_emulator/deliveries' });
  return (response.json() as { deliveries: Delivery[] }).deliveries;
}

describe('hostile notification URLs: 403 NotificationUrlNotAllowlisted, nothing subscribed, nothing sent', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ clock: { virtualStart: clockStart } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('has at least 40 hostile URL cases', () => {
    expect(hostileUrls.length).toBeGreaterThanOrEqual(40);
  });

  it.each(hostileUrls)('%s: %j', async (_name, url) => {
    const response = await subscribe(app, withPort(url));
    expectError(response, 403, 'NotificationUrlNotAllowlisted');
    expect(response.json().error.target).toBe('/webhook/notification_url');
    expect(await flowCount(app)).toBe(0);
  });

  it('refuses them on every path form: backend, connection id, encoded or raw mailbox', async () => {
    const paths = [
      `${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/`,
      `${triggerBase}/bookingBusinesses/${lunch}/webhook/AppointmentUpdated`,
      `/shared-bookings-1${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/AppointmentDeleted`,
    ];
    for (const path of paths) {
      for (const [, url] of hostileUrls.slice(0, 30)) {
        const response = await app.inject({
          method: 'POST',
          url: path,
          headers: bearerHeader('admin-token-0001'),
          payload: subscribeBody(withPort(url), ['Created', 'Updated', 'Deleted']),
        });
        expectError(response, 403, 'NotificationUrlNotAllowlisted');
      }
    }
    expect(await flowCount(app)).toBe(0);
  });

  it('the reachable receiver heard nothing, and an appointment change sends nothing', async () => {
    expect((await createAppointment(app, oneToOneAppointment())).statusCode).toBe(201);
    await app.emulator.services.deliveries.drain();
    expect(await journal(app)).toEqual([]);
    expect(reachable.received).toEqual([]);
  });
});

describe('tricky spellings of an allowed host are accepted and delivered to that host', () => {
  let app: FastifyInstance;
  let receiver: TestReceiver;
  beforeAll(async () => {
    app = await buildTestApp({ clock: { virtualStart: clockStart } });
    receiver = await new TestReceiver().start();
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  it.each(acceptedUrls)('%s: %j is called as %j', async (_name, url, called) => {
    const receiverPort = new URL(receiver.url).port;
    const target = url.replaceAll('{port}', receiverPort);
    await app.inject({ method: 'POST', url: '/_emulator/reset' });
    const before = receiver.received.length;
    expect((await subscribe(app, target)).statusCode).toBe(200);
    expect((await createAppointment(app, oneToOneAppointment())).statusCode).toBe(201);
    const [delivery] = await waitForSettled(app, 1);
    expect(delivery?.status).toBe('delivered');
    expect(delivery?.url).toBe(called.replaceAll('{port}', receiverPort));
    const received = await receiver.waitFor(before + 1);
    const { pathname, search } = new URL(target);
    expect(received.at(-1)?.path).toBe(`${pathname}${search}`);
  });
});

describe("a seed's own allowlist with an IDN host (reset through the control API)", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ clock: { virtualStart: clockStart } });
    const reset = await app.inject({
      method: 'POST',
      url: '/_emulator/reset',
      payload: { seed: { ...testSeed, allowlist: [domainToASCII('bücher.example'), '*.corp.example'] } },
    });
    expect(reset.statusCode, reset.body).toBe(204);
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['the punycode host', 'https://xn--bcher-kva.example/hook', 200],
    ['the punycode host in upper case with a trailing dot', 'https://XN--BCHER-KVA.EXAMPLE./hook', 200],
    ['a subdomain of a wildcard', 'https://flows.corp.example/hook', 200],
    [
      'the same host written in Unicode (decision 005: write it in punycode)',
      'https://bücher.example/hook',
      403,
    ],
    ['the punycode host as a prefix of an evil one', 'https://xn--bcher-kva.example.evil.example/', 403],
    ['a punycode look-alike', `https://${domainToASCII('bũcher.example')}/hook`, 403],
    ['the apex of the wildcard', 'https://corp.example/hook', 403],
    ['localhost, no longer on the list', 'http://localhost:7071/hook', 403],
    ['127.0.0.1, no longer on the list', 'http://127.0.0.1:7071/hook', 403],
  ])('%s: %j answers %i', async (_name, url, status) => {
    const response = await subscribe(app, url);
    if (status === 403) expectError(response, 403, 'NotificationUrlNotAllowlisted');
    else expect(response.statusCode, response.body).toBe(status);
  });
});

describe('redirects during delivery are never followed', () => {
  /** Where a redirect points: 127.0.0.1 spelled in decimal, so not allowlisted, yet reachable. */
  const forbiddenTarget = () => `http://2130706433:${port}/stolen`;
  let app: FastifyInstance;
  let redirecting: TestReceiver;
  let redirectStatus = 302;

  beforeAll(async () => {
    redirecting = await new TestReceiver(() => ({
      status: redirectStatus,
      headers: { location: forbiddenTarget() },
    })).start();
  });
  afterAll(async () => {
    await redirecting.close();
  });
  beforeEach(async () => {
    // The default retry policy: a redirect must not be retried either (docs/contract.md (The callback) policy).
    app = await buildTestApp({ clock: { virtualStart: clockStart } });
  });
  afterEach(async () => {
    await app.close();
  });

  it.each([301, 302, 303, 307, 308])(
    '%i to a forbidden host: one attempt journaled with its status, failed, the target never called',
    async (status) => {
      redirectStatus = status;
      const before = redirecting.received.length;
      expect((await subscribe(app, `${redirecting.url}/flow`)).statusCode).toBe(200);
      expect((await createAppointment(app, oneToOneAppointment())).statusCode).toBe(201);
      const [delivery] = await waitForSettled(app, 1);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts).toHaveLength(1);
      expect(delivery?.attempts[0]?.responseStatus).toBe(status);
      expect(delivery?.attempts[0]?.error).toMatch(/redirect to .*not followed/);
      // Even after every retry a policy could schedule, the forbidden host heard nothing.
      await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { byMs: 6 * 60 * 60 * 1000 } });
      await app.emulator.services.deliveries.drain();
      expect(redirecting.received.length).toBe(before + 1);
      expect(reachable.received).toEqual([]);
    },
  );

  it('a redelivery goes to the original host again, not to where it was redirected', async () => {
    redirectStatus = 307;
    expect((await subscribe(app, `${redirecting.url}/flow`)).statusCode).toBe(200);
    expect((await createAppointment(app, oneToOneAppointment())).statusCode).toBe(201);
    const [delivery] = await waitForSettled(app, 1);
    const before = redirecting.received.length;
    const response = await app.inject({
      method: 'POST',
      url: `/_emulator/deliveries/${delivery?.deliveryId}/redeliver`,
    });
    expect(response.statusCode).toBe(202);
    await redirecting.waitFor(before + 1);
    await app.emulator.services.deliveries.drain();
    const [again] = await journal(app);
    expect(again?.attempts.map((attempt) => attempt.responseStatus)).toEqual([307, 307]);
    expect(reachable.received).toEqual([]);
  });
});

describe('redelivery to another URL passes the same allowlist', () => {
  let app: FastifyInstance;
  let receiver: TestReceiver;
  let deliveryId = '';
  beforeAll(async () => {
    app = await buildTestApp({ clock: { virtualStart: clockStart } });
    receiver = await new TestReceiver().start();
    expect((await subscribe(app, `${receiver.url}/flow`)).statusCode).toBe(200);
    expect((await createAppointment(app, oneToOneAppointment())).statusCode).toBe(201);
    const [delivery] = await waitForSettled(app, 1);
    deliveryId = delivery?.deliveryId ?? '';
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  const hostileRedeliveries = hostileUrls.filter((_, index) => index % 3 === 0);
  const redeliveryCalls: Array<[string, () => string, object]> = [
    ['one delivery, renewed', () => `/_emulator/deliveries/${deliveryId}/redeliver`, { renewId: true }],
    ['every delivery', () => '/_emulator/deliveries/redeliver', {}],
  ];
  const redeliveryCases = redeliveryCalls.flatMap(([what, path, options]) =>
    hostileRedeliveries.map(([name, url]) => [what, name, url, path, options] as const),
  );

  it.each(redeliveryCases)(
    '%s to %s: 400 InvalidControlRequest at /url, journal unchanged',
    async (_what, _name, url, path, options) => {
      const before = JSON.stringify(await journal(app));
      const response = await app.inject({
        method: 'POST',
        url: path(),
        payload: { url: withPort(url), ...options },
      });
      expectError(response, 400, 'InvalidControlRequest');
      expect(response.json().error.target).toBe('/url');
      expect(JSON.stringify(await journal(app))).toBe(before);
    },
  );

  it('nothing reached the forbidden spellings; an allowlisted other URL is used', async () => {
    await app.emulator.services.deliveries.drain();
    expect(reachable.received).toEqual([]);
    const before = receiver.received.length;
    const response = await app.inject({
      method: 'POST',
      url: `/_emulator/deliveries/${deliveryId}/redeliver`,
      payload: { url: `http://localhost:${new URL(receiver.url).port}/other` },
    });
    expect(response.statusCode).toBe(202);
    const received = await receiver.waitFor(before + 1);
    expect(received.at(-1)?.path).toBe('/other');
  });
});

describe("flows pointed at the emulator's own API (127.0.0.1 is allowlisted) change nothing", () => {
  it('each delivery is refused with a 4xx, journaled as failed, and no state moves', async () => {
    const app = await buildTestApp({ clock: { virtualStart: clockStart }, webhookLimit: 6 });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const self = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const appointment = (await createAppointment(app, oneToOneAppointment())).json() as { id: string };
      const graph = `${self}/v1.0/solutions/bookingBusinesses/${encodeURIComponent(lunch)}/appointments`;
      const targets: Array<[string, number]> = [
        [`${self}/_emulator/reset`, 400],
        [`${self}/_emulator/deliveries/redeliver`, 400],
        [`${self}/_emulator/faults`, 400],
        [graph, 400],
        [`${graph}/${appointment.id}/cancel`, 400],
        [`${self}${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/`, 401],
      ];
      for (const [url] of targets) {
        expect((await subscribe(app, url, { changeType: 'Updated' })).statusCode).toBe(201);
      }
      const patched = await app.inject({
        method: 'PATCH',
        url: `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(lunch)}/appointments/${appointment.id}`,
        payload: { additionalInformation: 'Loop?' },
      });
      expect(patched.statusCode).toBe(200);
      const settled = await waitForSettled(app, targets.length);
      for (const [url, status] of targets) {
        const delivery = settled.find((candidate) => candidate.url === url);
        expect(delivery?.status, url).toBe('failed');
        expect(delivery?.attempts.map((attempt) => attempt.responseStatus)).toEqual([status]);
      }
      expect(await flowCount(app)).toBe(targets.length);
      expect(app.emulator.state.faults.list()).toEqual([]);
      expect(app.emulator.state.store.appointments.listByBusiness(lunch)).toHaveLength(1);
      expect(await journal(app)).toHaveLength(targets.length);
    } finally {
      await app.close();
    }
  });
});

describe('the allowlist is applied again at delivery time', () => {
  it('a flow kept in a data dir is not sent to once the emulator reopens it under the strict profile, and the journal says why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bookings-hostile-'));
    const receiver = await new TestReceiver().start();
    try {
      const permissive = await buildTestApp({ dataDir, clock: { virtualStart: clockStart } });
      expect((await subscribe(permissive, `${receiver.url}/kept`)).statusCode).toBe(200);
      await permissive.close();

      const strict = await buildTestApp({ dataDir, profile: 'strict', clock: { virtualStart: clockStart } });
      try {
        expect(await flowCount(strict)).toBe(1);
        expect((await createAppointment(strict, oneToOneAppointment())).statusCode).toBe(201);
        await strict.emulator.services.deliveries.drain();
        const [refused, ...others] = await journal(strict);
        expect(others).toEqual([]);
        expect(refused?.status).toBe('failed');
        expect(refused?.attempts).toEqual([]);
        expect(refused?.refused).toMatch(
          /^not sent: the flow URL is no longer allowlisted \(.+\); unsubscribe/,
        );
        expect(receiver.received).toEqual([]);
      } finally {
        await strict.close();
      }
    } finally {
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('deliveries kept in a data dir, reopened under a stricter allowlist', () => {
  let dataDir = '';
  let receiver: TestReceiver;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bookings-hostile-'));
    receiver = await new TestReceiver(() => ({ status: 500 })).start();
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** One delivery journaled under the default profile; still retrying when `retrying` is set. */
  async function journaledDelivery(retrying: boolean): Promise<Delivery> {
    const permissive = await buildTestApp({
      dataDir,
      clock: { virtualStart: clockStart },
      retryPolicy: retrying ? 'logic-apps' : 'none',
    });
    try {
      expect((await subscribe(permissive, `${receiver.url}/kept`)).statusCode).toBe(200);
      expect((await createAppointment(permissive, oneToOneAppointment())).statusCode).toBe(201);
      await permissive.emulator.services.deliveries.drain();
      const [delivery] = await journal(permissive);
      expect(delivery?.status).toBe(retrying ? 'retrying' : 'failed');
      return delivery as Delivery;
    } finally {
      await permissive.close();
    }
  }

  it('a delivery left retrying is failed at start with the reason, not sent', async () => {
    const kept = await journaledDelivery(true);
    const sentBefore = receiver.received.length;
    const strict = await buildTestApp({ dataDir, profile: 'strict', clock: { virtualStart: clockStart } });
    try {
      await strict.emulator.services.deliveries.drain();
      await strict.emulator.runtime.clock.advanceBy(10 * 60_000);
      await strict.emulator.services.deliveries.drain();
      const [resumed] = await journal(strict);
      expect(resumed?.deliveryId).toBe(kept.deliveryId);
      expect(resumed?.status).toBe('failed');
      expect(resumed?.refused).toMatch(
        /^not sent: the flow URL is no longer allowlisted \(.+\); unsubscribe/,
      );
      expect(resumed).not.toHaveProperty('nextAttemptAt');
      expect(receiver.received.length).toBe(sentBefore);
    } finally {
      await strict.close();
    }
  });

  it.each([
    [
      'one delivery',
      (id: string) => ({ url: `/_emulator/deliveries/${encodeURIComponent(id)}/redeliver`, payload: {} }),
    ],
    [
      'a filter',
      () => ({ url: '/_emulator/deliveries/redeliver', payload: { filter: { status: 'failed' } } }),
    ],
  ])(
    'redelivering %s to its original URL is refused with 400 on /url, journal unchanged',
    async (_name, request) => {
      const kept = await journaledDelivery(false);
      const strict = await buildTestApp({ dataDir, profile: 'strict', clock: { virtualStart: clockStart } });
      try {
        const before = await journal(strict);
        const response = await strict.inject({ method: 'POST', ...request(kept.deliveryId) });
        expectError(response, 400, 'InvalidControlRequest');
        expect(response.json().error.target).toBe('/url');
        expect(response.json().error.message).toContain(kept.url);
        await strict.emulator.services.deliveries.drain();
        expect(await journal(strict)).toEqual(before);
      } finally {
        await strict.close();
      }
    },
  );
});

describe('credentials: each hostile caller gets its exact status and code, and subscribes nothing', () => {
  const admin = 'jwt-admin@contoso.example';
  type Case = [name: string, headers: Record<string, string>, status: number, code: ErrorCode | null];
  const cases: Case[] = [
    ['no Authorization header', {}, 401, 'Unauthenticated'],
    ['Basic credentials', { authorization: 'Basic YWRtaW46cGFzcw==' }, 401, 'Unauthenticated'],
    ['unknown opaque token', bearerHeader('guessed-token'), 401, 'Unauthenticated'],
    ['seeded token in another case', bearerHeader('ADMIN-TOKEN-0001'), 401, 'Unauthenticated'],
    ['token in the query string only', {}, 401, 'Unauthenticated'],
    [
      'alg none naming an administrator (documented: accepted)',
      bearerHeader(unsignedJwt({ upn: admin })),
      200,
      null,
    ],
    [
      'alg none naming a team member',
      bearerHeader(unsignedJwt({ upn: 'member@contoso.example' })),
      403,
      'NotBookingsAdministrator',
    ],
    [
      'alg none naming another business administrator',
      bearerHeader(unsignedJwt({ upn: 'other-admin@fabrikam.example' })),
      403,
      'NotBookingsAdministrator',
    ],
    [
      'alg none naming someone not in the seed',
      bearerHeader(unsignedJwt({ upn: 'mallory@contoso.example' })),
      401,
      'Unauthenticated',
    ],
    [
      'alg none without upn, preferred_username or email',
      bearerHeader(unsignedJwt({ sub: admin })),
      401,
      'Unauthenticated',
    ],
    ['upn that is not a string', bearerHeader(unsignedJwt({ upn: [admin] })), 401, 'Unauthenticated'],
    ['expired', bearerHeader(unsignedJwt({ upn: admin, exp: nowSeconds - 1 })), 401, 'Unauthenticated'],
    [
      'not yet valid',
      bearerHeader(unsignedJwt({ upn: admin, nbf: nowSeconds + 60 })),
      401,
      'Unauthenticated',
    ],
    [
      'issued for Microsoft Graph',
      bearerHeader(unsignedJwt({ upn: admin, aud: 'https://graph.microsoft.com' })),
      401,
      'Unauthenticated',
    ],
    [
      'look-alike audience',
      bearerHeader(unsignedJwt({ upn: admin, aud: 'https://outlook.office.com.evil.example/' })),
      401,
      'Unauthenticated',
    ],
    ['header and payload not JSON', bearerHeader('bm9wZQ.bm9wZQ.'), 401, 'Unauthenticated'],
    ['seeded team member token', bearerHeader('member-token-001'), 403, 'NotBookingsAdministrator'],
    ['seeded scheduler token', bearerHeader('scheduler-token1'), 403, 'NotBookingsAdministrator'],
    ['seeded viewer token', bearerHeader('viewer-token-001'), 403, 'NotBookingsAdministrator'],
    ['seeded guest token', bearerHeader('guest-token-0001'), 403, 'NotBookingsAdministrator'],
    ['seeded external guest token', bearerHeader('external-token01'), 403, 'NotBookingsAdministrator'],
    ['user who is no staff at all', bearerHeader('outsider-token01'), 403, 'NotBookingsAdministrator'],
    ["another business's administrator", bearerHeader('other-admin-tok1'), 403, 'NotBookingsAdministrator'],
  ];

  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp({ clock: { virtualStart: clockStart } });
  });
  afterEach(async () => {
    await app.close();
  });

  it.each(cases)('%s', async (name, headers, status, code) => {
    const query = name.startsWith('token in the query') ? '?access_token=admin-token-0001' : '';
    const response = await app.inject({
      method: 'POST',
      url: `${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/AppointmentCreated${query}`,
      headers,
      payload: subscribeBody('http://127.0.0.1:9/flow'),
    });
    if (code === null) {
      expect(response.statusCode, response.body).toBe(status);
      expect(await flowCount(app)).toBe(1);
      return;
    }
    expectError(response, status, code);
    expect(await flowCount(app)).toBe(0);
  });

  it("an administrator of one business cannot subscribe, list or unsubscribe another's flows", async () => {
    expect((await subscribe(app, 'http://127.0.0.1:9/flow')).statusCode).toBe(200);
    const [flow] = (await app.inject({ method: 'GET', url: '/_emulator/flows' })).json().flows;
    const otherAdmin = bearerHeader('other-admin-tok1');
    const viaLunch = `${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/${flow.webhookId}`;
    const viaClinic = `${triggerBase}/bookingBusinesses/${encodeURIComponent(clinic)}/webhook/${flow.webhookId}`;
    expectError(
      await app.inject({ method: 'DELETE', url: viaLunch, headers: otherAdmin }),
      403,
      'NotBookingsAdministrator',
    );
    expectError(
      await app.inject({ method: 'DELETE', url: viaClinic, headers: otherAdmin }),
      404,
      'WebhookNotFound',
    );
    const list = await app.inject({
      method: 'GET',
      url: `${triggerBase}/bookingBusinessesUserAsAdmin`,
      headers: { ...otherAdmin, 'x-prefer-owauserconfig': 'true' },
    });
    expect(list.json().mailboxes.map((mailbox: { email: string }) => mailbox.email)).toEqual([clinic]);
    expect(await flowCount(app)).toBe(1);
  });

  it("a lunch administrator's token does not open the clinic", async () => {
    expectError(
      await subscribe(app, 'http://127.0.0.1:9/flow', { mailbox: clinic }),
      403,
      'NotBookingsAdministrator',
    );
    expect(await flowCount(app)).toBe(0);
  });

  it("a JWT's lifetime is judged on the emulator's clock", async () => {
    const token = bearerHeader(unsignedJwt({ upn: admin, exp: nowSeconds + 3600 }));
    expect((await subscribe(app, 'http://127.0.0.1:9/a', { headers: token })).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { byMs: 3600 * 1000 } });
    expectError(await subscribe(app, 'http://127.0.0.1:9/b', { headers: token }), 401, 'Unauthenticated');
    expect(await flowCount(app)).toBe(1);
  });
});
