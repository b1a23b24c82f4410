import { describe, expect, it } from 'vitest';
import { base64url as b64url, unsignedJwt as jwt } from '../testing/jwt.js';
import { testSeed } from '../testing/seed.js';
import { type AuthResult, authenticate } from './credentials.js';
import { Directory } from './directory.js';

const directory = new Directory(testSeed);
/** A fixed "now": 2026-01-05T09:00:00Z. */
const nowMs = Date.UTC(2026, 0, 5, 9, 0, 0);
const nowSeconds = nowMs / 1000;

function bearer(token: string): string {
  return `Bearer ${token}`;
}

function expectUser(result: AuthResult, upn: string): void {
  expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
  if (!result.ok) return;
  expect(result.user.upn).toBe(upn);
}

function expectUnauthenticated(result: AuthResult): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe('Unauthenticated');
  expect(result.error.statusCode).toBe(401);
  expect(result.error.message).toContain('Bearer');
}

describe('authenticate: accepted', () => {
  it('a seeded token returns its user', () => {
    expectUser(authenticate('Bearer admin-token-0001', directory, nowMs), 'admin@contoso.example');
    expectUser(authenticate('Bearer viewer-token-001', directory, nowMs), 'viewer@contoso.example');
    expectUser(authenticate('Bearer other-admin-tok1', directory, nowMs), 'other-admin@fabrikam.example');
  });

  it.each([
    ['lower-case scheme', 'bearer admin-token-0001'],
    ['upper-case scheme', 'BEARER admin-token-0001'],
    ['several spaces after the scheme', 'Bearer    admin-token-0001'],
    ['a tab after the scheme', 'Bearer\tadmin-token-0001'],
    ['trailing spaces', 'Bearer admin-token-0001   '],
  ])('%s: %j', (_name, header) => {
    expectUser(authenticate(header, directory, nowMs), 'admin@contoso.example');
  });

  it.each([
    ['upn', { upn: 'jwt-admin@contoso.example' }],
    ['preferred_username', { preferred_username: 'jwt-admin@contoso.example' }],
    ['email', { email: 'jwt-admin@contoso.example' }],
    ['upn in another case', { upn: 'JWT-Admin@Contoso.Example' }],
    ['preferred_username in another case', { preferred_username: 'Jwt-Admin@CONTOSO.example' }],
    ['email in another case', { email: 'JWT-ADMIN@CONTOSO.EXAMPLE' }],
  ])('an unsigned JWT naming a seeded user by %s', (_name, claims) => {
    expectUser(authenticate(bearer(jwt(claims)), directory, nowMs), 'jwt-admin@contoso.example');
  });

  it('an unsigned JWT may name a user that also has a seeded token', () => {
    expectUser(
      authenticate(bearer(jwt({ upn: 'member@contoso.example' })), directory, nowMs),
      'member@contoso.example',
    );
  });

  it('exp in the future is accepted', () => {
    const token = jwt({ upn: 'jwt-admin@contoso.example', exp: nowSeconds + 3600 });
    expectUser(authenticate(bearer(token), directory, nowMs), 'jwt-admin@contoso.example');
  });

  it('nbf in the past (and exactly now) is accepted', () => {
    for (const nbf of [nowSeconds - 60, nowSeconds]) {
      const token = jwt({ upn: 'jwt-admin@contoso.example', nbf, exp: nowSeconds + 60 });
      expectUser(authenticate(bearer(token), directory, nowMs), 'jwt-admin@contoso.example');
    }
  });

  it.each([
    ['https://outlook.office.com'],
    ['https://outlook.office.com/'],
    [['api://other', 'https://outlook.office.com/']],
  ])('aud %j is accepted (a list must include the connector resource)', (aud) => {
    const token = jwt({ upn: 'jwt-admin@contoso.example', aud });
    expectUser(authenticate(bearer(token), directory, nowMs), 'jwt-admin@contoso.example');
  });

  it('a JWT with a (non-empty, unchecked) signature segment is accepted', () => {
    const token = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ upn: 'jwt-admin@contoso.example' })}.c2ln`;
    expectUser(authenticate(bearer(token), directory, nowMs), 'jwt-admin@contoso.example');
  });
});

describe('authenticate: refused with 401 Unauthenticated', () => {
  const upn = 'jwt-admin@contoso.example';
  const payload = b64url({ upn });
  const header = b64url({ alg: 'none', typ: 'JWT' });

  const refused: Array<[string, string | undefined]> = [
    ['missing header', undefined],
    ['empty header', ''],
    ['whitespace-only header', '   '],
    ['Basic scheme', `Basic ${Buffer.from('admin@contoso.example:pw').toString('base64')}`],
    ['Basic scheme with a seeded token', 'Basic admin-token-0001'],
    ['scheme without a token', 'Bearer'],
    ['scheme and spaces without a token', 'Bearer   '],
    ['token without a scheme', 'admin-token-0001'],
    ['scheme glued to the token', 'Beareradmin-token-0001'],
    ['two tokens', 'Bearer admin-token-0001 admin-token-0001'],
    ['unknown token', 'Bearer not-a-seeded-token'],
    ['seeded token in another case', 'Bearer ADMIN-TOKEN-0001'],
    ['JWT (alg none) naming an unknown user', bearer(jwt({ upn: 'stranger@contoso.example' }))],
    [
      'JWT preferred_username naming an unknown user',
      bearer(jwt({ preferred_username: 'nobody@nowhere.example' })),
    ],
    ['JWT email naming an unknown user', bearer(jwt({ email: 'nobody@nowhere.example' }))],
    ['JWT without identity claims', bearer(jwt({ sub: 'abc', name: 'Jay Wright' }))],
    ['JWT with an empty payload object', bearer(jwt({}))],
    [
      'JWT whose identity claims are not strings',
      bearer(jwt({ upn: 42, email: ['jwt-admin@contoso.example'] })),
    ],
    ['JWT with a non-JSON payload', bearer(`${header}.${b64url('not json {')}.`)],
    ['JWT with a non-JSON header', bearer(`${b64url('nope')}.${payload}.`)],
    ['JWT with non-base64url characters (+ and /)', bearer(`${header}.${payload}+/.`)],
    ['JWT with base64 padding', bearer(`${header}.${payload}==.`)],
    ['JWT with an empty payload segment', bearer(`${header}..`)],
    ['JWT with two segments', bearer(`${header}.${payload}`)],
    ['JWT with four segments', bearer(`${header}.${payload}.sig.extra`)],
    ['JWT whose payload is a JSON array', bearer(jwt([{ upn }]))],
    ['JWT whose payload is a JSON string', bearer(jwt(JSON.stringify(upn)))],
    ['JWT whose payload is null', bearer(jwt(null))],
    ['JWT whose header is a JSON array', bearer(jwt({ upn }, ['none']))],
    ['JWT with exp in the past', bearer(jwt({ upn, exp: nowSeconds - 60 }))],
    ['JWT with exp exactly now', bearer(jwt({ upn, exp: nowSeconds }))],
    ['JWT with a non-numeric exp', bearer(jwt({ upn, exp: String(nowSeconds + 3600) }))],
    ['JWT with nbf in the future', bearer(jwt({ upn, nbf: nowSeconds + 60 }))],
    ['JWT with a non-numeric nbf', bearer(jwt({ upn, nbf: 'yesterday' }))],
    ['JWT with aud for Graph', bearer(jwt({ upn, aud: 'https://graph.microsoft.com' }))],
    ['JWT with aud for another app', bearer(jwt({ upn, aud: 'api://some-other-app' }))],
    ['JWT with a look-alike aud', bearer(jwt({ upn, aud: 'https://outlook.office.com.evil.example/' }))],
    ['JWT with a non-string aud', bearer(jwt({ upn, aud: 42 }))],
    [
      'JWT with an aud list without the connector resource',
      bearer(jwt({ upn, aud: ['api://a', 'api://b'] })),
    ],
  ];

  it.each(refused)('%s', (_name, authorization) => {
    expectUnauthenticated(authenticate(authorization, directory, nowMs));
  });

  it('says why the JWT was refused', () => {
    const cases: Array<[string, RegExp]> = [
      [bearer(jwt({ upn, exp: nowSeconds - 1 })), /expired/],
      [bearer(jwt({ upn, nbf: nowSeconds + 1 })), /not valid yet/],
      [bearer(jwt({ upn, aud: 'https://graph.microsoft.com' })), /audience/],
      [bearer(jwt({ upn: 'stranger@contoso.example' })), /stranger@contoso\.example/],
      [bearer(jwt({ sub: 'x' })), /upn, preferred_username or email/],
    ];
    for (const [authorization, why] of cases) {
      const result = authenticate(authorization, directory, nowMs);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toMatch(why);
    }
  });
});
