import type { FastifyInstance } from 'fastify';
import { packageVersion } from '../../../core/paths.js';
import type { Info } from '../../../generated/schema-types.js';

/** GET /health and GET /info. */
export function infoRoutes(app: FastifyInstance): void {
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/info', async (request): Promise<Info> => {
    const address = request.server.server.address();
    const selfUrl =
      typeof address === 'object' && address
        ? `http://127.0.0.1:${address.port}`
        : `${request.protocol}://${request.host}`;
    const { retainDeliveries } = request.server.emulator.config;
    return {
      version: packageVersion,
      selfUrl,
      ...(retainDeliveries === undefined ? {} : { retainDeliveries }),
    };
  });
}
