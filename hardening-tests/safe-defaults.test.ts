import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { exposureWarning, isLoopbackHost } from '../emulator/api/exposure.js';
import { resolveConfig } from '../emulator/config/options.js';
import { ConfigError } from '../emulator/core/config-error.js';
import { packageRoot, schemasDir } from '../emulator/core/paths.js';
import { controlTokenCookie, controlTokenHeader } from '../emulator/http/control-token.js';
import { maskAuthorization, maskSecret, maskUrlSecrets } from '../emulator/http/log-redaction.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  oneToOneAppointment,
  subscribe,
} from '../emulator/testing/http.js';

const controlToken = 'ctl-2f9a7c1e5b';
const withToken = { [controlTokenHeader]: controlToken };

/** Every control route openapi.yaml documents, plus the dashboard's own: what the guard must cover. */
function documentedControlRoutes(): Array<{ method: string; url: string }> {
  const document = parseYaml(readFileSync(join(schemasDir, 'openapi.yaml'), 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes: Array<{ method: string; url: string }> = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/_emulator/')) continue;
    const url = path.replace('{deliveryId}', 'no-such-delivery').replace('{name}', 'guarded');
    for (const method of Object.keys(operations)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
        routes.push({ method: method.toUpperCase(), url });
    }
  }
  return [
    ...routes,
    { method: 'GET', url: '/_emulator/ui' },
    { method: 'GET', url: '/_emulator/businesses' },
    { method: 'GET', url: '/_emulator/events' },
    { method: 'GET', url: '/_emulator/schemas/error.schema.json' },
  ];
}

const openRoute = (route: { method: string; url: string }) =>
  route.url === '/_emulator/health' || (route.method === 'POST' && route.url.startsWith('/_emulator/inbox/'));

describe('control token', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ controlToken });
  });
  afterAll(() => app.close());

  const guarded = documentedControlRoutes().filter((route) => !openRoute(route));

  it('covers a route list taken from openapi.yaml', () => {
    expect(guarded.length).toBeGreaterThanOrEqual(18);
  });

  it.each(guarded)('$method $url answers 401 ControlTokenRequired without the token', async (route) => {
    const response = await app.inject({ method: route.method as 'GET', url: route.url });
    expectError(response, 401, 'ControlTokenRequired');
    expect(response.json().error.target).toBe('header:X-Emulator-Control-Token');
  });

  it.each(guarded)('$method $url answers 401 with a wrong token', async (route) => {
    const response = await app.inject({
      method: route.method as 'GET',
      url: route.url,
      headers: { [controlTokenHeader]: `${controlToken}x` },
    });
    expectError(response, 401, 'ControlTokenRequired');
    expect(response.json().error.message).toContain('wrong');
  });

  it('lets the right token through, and changes nothing for a refused call', async () => {
    const refused = await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      payload: { target: 'trigger-api', status: 500 },
    });
    expectError(refused, 401, 'ControlTokenRequired');
    const faults = await app.inject({ method: 'GET', url: '/_emulator/faults', headers: withToken });
    expect(faults.statusCode).toBe(200);
    expect(faults.json()).toEqual({ faults: [] });
    const flows = await app.inject({ method: 'GET', url: '/_emulator/flows', headers: withToken });
    expect(flows.statusCode).toBe(200);
  });

  it('keeps health open, and the inbox open to deliveries but not to readers', async () => {
    expect((await app.inject({ method: 'GET', url: '/_emulator/health' })).statusCode).toBe(200);
    const delivered = await app.inject({
      method: 'POST',
      url: '/_emulator/inbox/flow',
      payload: { Id: 'x' },
    });
    expect(delivered.statusCode).toBe(200);
    expectError(
      await app.inject({ method: 'GET', url: '/_emulator/inbox/flow' }),
      401,
      'ControlTokenRequired',
    );
    const read = await app.inject({ method: 'GET', url: '/_emulator/inbox/flow', headers: withToken });
    expect(read.json().messages).toHaveLength(1);
  });

  it('leaves the trigger API and the Graph-shaped actions to their own rules', async () => {
    const subscribed = await subscribe(app, 'http://127.0.0.1:9/flow');
    expect(subscribed.statusCode).toBe(200);
    expectError(await subscribe(app, 'http://127.0.0.1:9/flow', { headers: {} }), 401, 'Unauthenticated');
    expect((await createAppointment(app, oneToOneAppointment())).statusCode).toBe(201);
  });

  it.each([
    '/_emulator//flows',
    '/_emulator/flows/',
    '/_emulator/./flows',
    '/_emulator/health/../flows',
    '/_emulator/%66lows',
    '/%5Femulator/flows',
    '/_emulator/FLOWS',
    '/_emulator/flows%00',
    '/_emulator/inbox/flow/../../flows',
  ])('refuses %s without the token, whatever the spelling', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode, response.body).not.toBe(200);
    expect(response.body).not.toContain('"flows"');
  });

  it('gives the dashboard the token as a cookie, then serves it and its calls', async () => {
    const withSlash = await app.inject({ method: 'GET', url: `/_emulator/ui/?token=${controlToken}` });
    expect(withSlash.statusCode, withSlash.body).toBe(303);
    expect(withSlash.headers.location).toBe('/_emulator/ui');
    const login = await app.inject({ method: 'GET', url: `/_emulator/ui?token=${controlToken}` });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/_emulator/ui');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toContain(`${controlTokenCookie}=${controlToken}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const headers = { cookie: `other=1; ${controlTokenCookie}=${controlToken}` };
    const page = await app.inject({ method: 'GET', url: '/_emulator/ui', headers });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect((await app.inject({ method: 'GET', url: '/_emulator/deliveries', headers })).statusCode).toBe(200);
    const wrongCookie = { cookie: `${controlTokenCookie}=nope-nope-nope` };
    expectError(
      await app.inject({ method: 'GET', url: '/_emulator/ui', headers: wrongCookie }),
      401,
      'ControlTokenRequired',
    );
    expectError(
      await app.inject({ method: 'GET', url: '/_emulator/ui?token=wrong-token-1' }),
      401,
      'ControlTokenRequired',
    );
  });
});

describe('without a control token', () => {
  it('leaves the control API open, as before', async () => {
    const app = await buildTestApp();
    try {
      expect((await app.inject({ method: 'GET', url: '/_emulator/flows' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/_emulator/ui' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses a control token that cannot travel in a header', () => {
    for (const bad of ['', 'short', 'has a space in it', 'tab\there-and-more', 'é-unicode-token']) {
      expect(() => resolveConfig({ controlToken: bad }), bad).toThrow(ConfigError);
    }
    expect(resolveConfig({ controlToken: controlToken }).controlToken).toBe(controlToken);
  });
});

describe('masking', () => {
  it('keeps four characters of a secret and never the whole', () => {
    expect(maskSecret('admin-token')).toBe('admi…');
    expect(maskSecret('12345678')).toBe('…');
    expect(maskAuthorization('Bearer eyJhbGciOiJub25lIn0.eyJ1cG4iOiJhIn0.')).toBe('Bearer eyJh…');
    expect(maskAuthorization('admin-token')).toBe('admi…');
  });

  it('masks secrets in URLs: the dashboard token, a Logic Apps sig, a Functions code', () => {
    expect(maskUrlSecrets('/_emulator/ui?token=ctl-2f9a7c1e5b')).toBe('/_emulator/ui?token=ctl-…');
    expect(
      maskUrlSecrets(
        'https://prod-1.westus.logic.azure.com/workflows/x/invoke?api-version=1&sp=%2F&sig=AbCdEfGhIjKl&x=1',
      ),
    ).toBe('https://prod-1.westus.logic.azure.com/workflows/x/invoke?api-version=1&sp=%2F&sig=AbCd…&x=1');
    expect(maskUrlSecrets('http://127.0.0.1:7071/api/flow?code=secret-function-key')).toBe(
      'http://127.0.0.1:7071/api/flow?code=secr…',
    );
  });
});

describe('exposure', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
      expect(exposureWarning(host, false)).toBeUndefined();
    },
  );

  it.each(['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'my-laptop.local', '128.0.0.1', '127.0.0.1.example'])(
    '%s is not loopback, and the warning names the risk and the flag',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
      const warning = exposureWarning(host, false) ?? '';
      expect(warning).toContain(host);
      expect(warning).toContain('--control-token');
      expect(warning).toMatch(/reset the state/);
    },
  );

  it('the README says how to guard an exposed emulator, and docs/hardening.md how to send the token', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    expect(readme).toContain('--control-token');
    expect(readme).toContain('docs/hardening.md');
    const hardening = readFileSync(join(packageRoot, 'docs', 'hardening.md'), 'utf8');
    expect(hardening).toContain('--control-token');
    expect(hardening).toContain('X-Emulator-Control-Token');
  });
});
