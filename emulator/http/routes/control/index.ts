import type { FastifyInstance } from 'fastify';
import { clockRoutes } from './clock.js';
import { deliveryRoutes } from './deliveries.js';
import { faultRoutes } from './faults.js';
import { flowRoutes } from './flows.js';
import { infoRoutes } from './info.js';
import { openApiRoutes } from './openapi.js';
import { policyRoutes } from './policies.js';
import { resetRoutes } from './reset.js';

/**
 * The emulator's own API, registered under /_emulator: one file per resource, each route parsing
 * the request, calling the emulator's services or state, and shaping the answer.
 */
export async function controlRoutes(app: FastifyInstance): Promise<void> {
  infoRoutes(app);
  flowRoutes(app);
  deliveryRoutes(app);
  resetRoutes(app);
  faultRoutes(app);
  clockRoutes(app);
  policyRoutes(app);
  openApiRoutes(app);
}
