import type { Directory } from '../domain/directory.js';
import type { SeedBusiness } from '../generated/schema-types.js';

export interface Credential {
  upn: string;
  token: string;
  /** What the token shows: the role it has in the business the banner talks about. */
  role: string;
}

/** An unsigned JWT naming the user, the form the emulator accepts when a seed user has no token. */
export function unsignedJwt(upn: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ upn, aud: 'https://outlook.office.com/' })}.`;
}

/** An administrator of the business and a caller who is not one, to show both answers. */
export function bannerCredentials(
  directory: Directory,
  business: SeedBusiness,
): { admin: Credential | undefined; nonAdmin: Credential | undefined } {
  const credentials = directory.users.map((user) => ({
    upn: user.upn,
    token: user.token ?? unsignedJwt(user.upn),
    role: directory.roleOf(business, user.upn) ?? 'not staff',
  }));
  return {
    admin: credentials.find((credential) => credential.role === 'administrator'),
    nonAdmin: credentials.find((credential) => credential.role !== 'administrator'),
  };
}
