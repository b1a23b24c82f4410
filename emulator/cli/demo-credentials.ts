import { unsignedJwt } from '../domain/credentials.js';
import type { Directory } from '../domain/directory.js';
import type { SeedBusiness } from '../generated/schema-types.js';

export interface Credential {
  upn: string;
  token: string;
  /** What the token shows: the role it has in the business the banner talks about. */
  role: string;
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
