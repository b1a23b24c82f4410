import { type EmulatorError, errors } from '../core/errors.js';
import type { Directory, SeedUser } from './directory.js';

/** Claims that may name the user in an unsigned JWT (docs/contract.md (Operations), policy). */
const identityClaims = ['upn', 'preferred_username', 'email'] as const;

/** The connector's AAD resource (source [A]); a JWT with another audience was issued for something else. */
const acceptedAudiences = new Set(['https://outlook.office.com', 'https://outlook.office.com/']);

export type AuthResult = { ok: true; user: SeedUser } | { ok: false; error: EmulatorError };

function decodeSegment(segment: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) throw new Error('not base64url');
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

function fromJwt(token: string, directory: Directory, nowMs: number): AuthResult {
  const parts = token.split('.');
  if (parts.length !== 3) return fail('The token is neither a seeded token nor a JWT.');
  let header: unknown;
  let claims: unknown;
  try {
    header = decodeSegment(parts[0] ?? '');
    claims = decodeSegment(parts[1] ?? '');
  } catch {
    return fail('The token looks like a JWT but its header or payload is not base64url-encoded JSON.');
  }
  if (!isObject(header) || !isObject(claims)) return fail('The JWT header and payload must be JSON objects.');
  const nowSeconds = nowMs / 1000;
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)) {
    return fail('The JWT has expired (exp is in the past).');
  }
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds)) {
    return fail('The JWT is not valid yet (nbf is in the future).');
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (
    claims.aud !== undefined &&
    !audiences.some((aud) => typeof aud === 'string' && acceptedAudiences.has(aud))
  ) {
    return fail(`The JWT's audience must be https://outlook.office.com/ (the connector's resource).`);
  }
  for (const claim of identityClaims) {
    const value = claims[claim];
    if (typeof value !== 'string') continue;
    const user = directory.userByUpn(value);
    if (user) return { ok: true, user };
    return fail(`The JWT's ${claim} claim "${value}" names no seeded user.`);
  }
  return fail('The JWT carries none of the claims upn, preferred_username or email.');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(why: string): AuthResult {
  return { ok: false, error: errors.unauthenticated(why) };
}

/** Resolves an Authorization header to a seeded user; the caller decides what the user may do. */
export function authenticate(header: string | undefined, directory: Directory, nowMs: number): AuthResult {
  if (header === undefined || header.trim() === '') return fail('The Authorization header is missing.');
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match?.[1]) return fail('The Authorization header is not of the form "Bearer <token>".');
  const token = match[1];
  const seeded = directory.userByToken(token);
  if (seeded) return { ok: true, user: seeded };
  return fromJwt(token, directory, nowMs);
}

/** An unsigned JWT naming the user, the form the emulator accepts when a seed user has no token. */
export function unsignedJwt(upn: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ upn, aud: 'https://outlook.office.com/' })}.`;
}
