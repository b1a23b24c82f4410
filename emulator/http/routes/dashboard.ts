import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../../core/paths.js';
import type { BusinessList, Delivery } from '../../generated/schema-types.js';

const page = () => readFileSync(join(packageRoot, 'emulator', 'ui', 'dashboard.html'), 'utf8');

/**
 * The dashboard (`/_emulator/ui`): one static page, no build step, talking only to this emulator
 * (its control API, the Graph-shaped actions, and a server-sent event stream of deliveries).
 */
export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const html = page();
  const streams = new Set<ServerResponse>();
  app.addHook('onClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get('/ui', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'",
      )
      .send(html),
  );

  app.get(
    '/businesses',
    async (request): Promise<BusinessList> => ({
      businesses: request.server.emulator.state.directory.businesses.map((business) => ({ ...business })),
      webhookLimit: request.server.emulator.config.webhookLimit,
    }),
  );

  /** Server-sent events: `delivery` (the whole delivery, on every change) and `flows` (subscribe, unsubscribe, reset). */
  app.get('/events', async (request, reply) => {
    const { events } = request.server.emulator.runtime;
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    stream.write('retry: 1000\n\n');
    const send = (event: string, data: unknown) =>
      stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const onDelivery = (delivery: Delivery) => send('delivery', delivery);
    const onFlows = () => send('flows', {});
    events.on('delivery:queued', onDelivery);
    events.on('delivery:attempt', onDelivery);
    events.on('delivery:settled', onDelivery);
    events.on('flows:changed', onFlows);
    streams.add(stream);
    request.raw.on('close', () => {
      streams.delete(stream);
      events.off('delivery:queued', onDelivery);
      events.off('delivery:attempt', onDelivery);
      events.off('delivery:settled', onDelivery);
      events.off('flows:changed', onFlows);
    });
  });
}
