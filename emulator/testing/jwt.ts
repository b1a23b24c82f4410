/** base64url of a string as is, or of any other value as JSON. */
export function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
}

/** An unsigned JWT as the emulator accepts it (alg none, empty signature segment) unless `header` says otherwise. */
export function unsignedJwt(claims: unknown, header: unknown = { alg: 'none', typ: 'JWT' }): string {
  return `${base64url(header)}.${base64url(claims)}.`;
}

export function bearerHeader(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
