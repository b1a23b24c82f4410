import type { FastifyRequest } from 'fastify';
import { authenticate } from '../domain/credentials.js';
import type { SeedUser } from '../domain/directory.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: SeedUser | null;
  }
}

/** onRequest hook: credentials are judged before the body is read, as the real service answers 401 first. */
export async function requireUser(request: FastifyRequest): Promise<void> {
  const { state, runtime } = request.server.emulator;
  const result = authenticate(request.headers.authorization, state.directory, runtime.clock.now());
  if (!result.ok) throw result.error;
  request.user = result.user;
}

export function currentUser(request: FastifyRequest): SeedUser {
  if (!request.user) throw new Error('requireUser must run before this handler');
  return request.user;
}
