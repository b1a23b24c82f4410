import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { packageRoot } from '../../core/paths.js';
import type {
  ActiveFault,
  BusinessList,
  ClockState,
  Delivery,
  Policies,
} from '../../generated/schema-types.js';
import type { EmulatorContext } from '../context.js';

const uiFile = (name: string) => readFileSync(join(packageRoot, 'emulator', 'ui', name), 'utf8');

/** The page loads its script and style from the emulator itself; nothing inline, nothing from elsewhere. */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** How often each open dashboard is checked for a moved clock, a used-up fault or a changed policy. */
const statusCheckMs = 500;
/**
 * Sent at least this often even when unchanged: the page also shows the answers to its own calls,
 * and a status that changed and changed back between two checks would otherwise leave it behind.
 */
const statusRepeatMs = 5000;

/** What the dashboard shows beside the journal: `status` events carry it whenever it changes. */
interface DashboardStatus {
  clock: ClockState;
  faults: ActiveFault[];
  policies: Policies;
  /** Settled deliveries --retain-deliveries removed: when it grows, the page drops their rows. */
  evictedDeliveries: number;
}

function dashboardStatus(emulator: EmulatorContext): DashboardStatus {
  const { clock } = emulator.runtime;
  const state: ClockState = {
    now: new Date(clock.now()).toISOString(),
    mode: clock.mode,
    pendingTimers: clock.pendingTimers(),
  };
  const next = clock.nextDueAt();
  if (next !== undefined) state.nextTimerAt = new Date(next).toISOString();
  return {
    clock: state,
    faults: emulator.state.faults.list(),
    policies: { ...emulator.state.policies },
    evictedDeliveries: emulator.state.store.deliveries.evicted(),
  };
}

/** Changes when the status does; a real clock's own ticking is left out (the page keeps time itself). */
function statusSignature(status: DashboardStatus): string {
  const { clock } = status;
  const moved = clock.mode === 'real' ? Math.round((Date.parse(clock.now) - Date.now()) / 1000) : clock.now;
  return JSON.stringify([
    moved,
    clock.pendingTimers,
    clock.nextTimerAt,
    status.faults,
    status.policies,
    status.evictedDeliveries,
  ]);
}

/** `/_emulator/ui/` and `/?token=…` keep their query string: the control-token cookie flow starts from it. */
function toDashboard(request: FastifyRequest, reply: FastifyReply, dashboardUrl: string) {
  const query = request.url.indexOf('?');
  return reply.redirect(query < 0 ? dashboardUrl : `${dashboardUrl}${request.url.slice(query)}`, 302);
}

/**
 * The dashboard (`/_emulator/ui`): one static page with its script and style, no build step,
 * talking only to this emulator (its control API, the Graph-shaped actions, and a server-sent
 * event stream of deliveries and status).
 */
async function dashboardPage(app: FastifyInstance): Promise<void> {
  const html = uiFile('dashboard.html');
  const script = uiFile('dashboard.js');
  const style = uiFile('dashboard.css');
  const streams = new Set<ServerResponse>();
  app.addHook('onClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get('/ui', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', contentSecurityPolicy)
      .header('cache-control', 'no-cache')
      .send(html),
  );
  app.get('/ui/', async (request, reply) => toDashboard(request, reply, `${app.prefix}/ui`));
  app.get('/ui/dashboard.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(script),
  );
  app.get('/ui/dashboard.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(style),
  );

  app.get(
    '/businesses',
    async (request): Promise<BusinessList> => ({
      businesses: request.server.emulator.state.directory.businesses.map((business) => ({ ...business })),
      webhookLimit: request.server.emulator.config.webhookLimit,
    }),
  );

  /**
   * Server-sent events: `delivery` (the whole delivery, on every change), `flows` (subscribe,
   * unsubscribe, reset), `appointments` (one was created, changed or cancelled) and `status`
   * (clock, active faults, policy values and how many deliveries retention evicted: on
   * connecting, then whenever they change).
   */
  app.get('/events', async (request, reply) => {
    const { emulator } = request.server;
    const { events } = emulator.runtime;
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
    let lastStatus = '';
    let lastSentAt = 0;
    // After a delivery, a subscription or an appointment change, the next check sends the status
    // even if it looks the same: a fault may have been used up in between.
    let sendNext = true;
    const sendStatus = () => {
      const status = dashboardStatus(emulator);
      const signature = statusSignature(status);
      if (!sendNext && signature === lastStatus && Date.now() - lastSentAt < statusRepeatMs) return;
      sendNext = false;
      lastStatus = signature;
      lastSentAt = Date.now();
      send('status', status);
    };
    const onDelivery = (delivery: Delivery) => {
      sendNext = true;
      send('delivery', delivery);
    };
    const onFlows = () => {
      sendNext = true;
      send('flows', {});
    };
    const onAppointment = () => {
      sendNext = true;
      send('appointments', {});
    };
    events.on('delivery:queued', onDelivery);
    events.on('delivery:attempt', onDelivery);
    events.on('delivery:settled', onDelivery);
    events.on('flows:changed', onFlows);
    events.on('appointment:changed', onAppointment);
    sendStatus();
    const statusTimer = setInterval(sendStatus, statusCheckMs);
    statusTimer.unref();
    streams.add(stream);
    request.raw.on('close', () => {
      clearInterval(statusTimer);
      streams.delete(stream);
      events.off('delivery:queued', onDelivery);
      events.off('delivery:attempt', onDelivery);
      events.off('delivery:settled', onDelivery);
      events.off('flows:changed', onFlows);
      events.off('appointment:changed', onAppointment);
    });
  });
}

/** The dashboard's page, assets and event stream; registered by app.ts under /_emulator. */
export const dashboardRoutes = dashboardPage;

/** `GET /` leads to the dashboard; registered by app.ts at the root. */
export async function rootRedirect(app: FastifyInstance): Promise<void> {
  app.get('/', async (request, reply) => toDashboard(request, reply, '/_emulator/ui'));
}
