import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../core/errors.js';
import { schemaId } from '../../core/schemas/registry.js';
import { triggerApiBase } from '../../domain/triggers.js';
import type {
  ChangeType,
  SeedBusiness,
  SubscribeRequest,
  Subscription,
  WebhookResponse,
} from '../../generated/schema-types.js';
import { currentUser, requireUser } from '../authenticate.js';

/** The per-trigger paths of the connector (source [A]); each answers as declared there. */
const triggerPaths: ReadonlyArray<{ path: string; answer: 'webhookId' | 'created' }> = [
  { path: 'AppointmentCreated', answer: 'webhookId' },
  { path: 'AppointmentUpdated', answer: 'created' },
  { path: 'AppointmentDeleted', answer: 'created' },
];

type MailboxParams = { SMTPAddress: string };
type WebhookParams = MailboxParams & { WebhookId: string };

/** The base path the caller used: with its connection id, or without. */
function basePath(request: FastifyRequest): string {
  const { connectionId } = request.params as { connectionId?: string };
  return connectionId === undefined
    ? triggerApiBase
    : `/${encodeURIComponent(connectionId)}${triggerApiBase}`;
}

function deleteUrl(request: FastifyRequest, subscription: Subscription): string {
  return `${request.protocol}://${request.host}${basePath(request)}/bookingBusinesses/${encodeURIComponent(
    subscription.mailbox,
  )}/webhook/${encodeURIComponent(subscription.webhookId)}`;
}

/** 404 for an unknown mailbox, then 403 unless the caller administers it (source [A][B]). */
function administeredBusiness(request: FastifyRequest, mailbox: string): SeedBusiness {
  const { directory } = request.server.emulator;
  const user = currentUser(request);
  const business = directory.business(mailbox);
  if (!business) throw errors.mailboxNotFound(mailbox);
  const role = directory.roleOf(business, user.upn);
  if (role !== 'administrator') throw errors.notBookingsAdministrator(user.upn, business.email, role);
  return business;
}

function subscribe(request: FastifyRequest<{ Params: MailboxParams; Body: SubscribeRequest }>): Subscription {
  const { allowlist, store, config, ids, clock } = request.server.emulator;
  const business = administeredBusiness(request, request.params.SMTPAddress);
  const { notification_url: url, change_type: changeTypes } = request.body.webhook;
  const verdict = allowlist.check(url);
  if (!verdict.allowed) throw errors.notificationUrlNotAllowlisted(url, verdict.reason, allowlist.patterns);
  const subscription: Subscription = {
    webhookId: ids.uuid(),
    mailbox: business.email,
    notificationUrl: url,
    changeTypes: [...changeTypes] as ChangeType[],
    createdBy: currentUser(request).upn,
    createdAt: new Date(clock.now()).toISOString(),
  };
  if (!store.subscriptions.addWithinLimit(subscription, config.webhookLimit)) {
    throw errors.webhookLimitExceeded(business.email, config.webhookLimit);
  }
  request.log.info(
    { webhookId: subscription.webhookId, mailbox: business.email, changeTypes },
    'flow subscribed',
  );
  request.server.emulator.events.emit('flows:changed');
  return subscription;
}

function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  subscription: Subscription,
  kind: 'webhookId' | 'created',
): FastifyReply {
  void reply.header('location', deleteUrl(request, subscription));
  if (kind === 'created') return reply.code(201).send();
  const body: WebhookResponse = { webhookId: subscription.webhookId };
  return reply.code(200).send(body);
}

/**
 * The Bookings trigger API (docs/contract.md (Operations, Rules)). Registered under /BookingsService/api/V1 and under
 * /:connectionId/BookingsService/api/V1, the two forms a Power Platform connection uses.
 */
export async function triggerApiRoutes(app: FastifyInstance): Promise<void> {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request, reply) => {
    const fault = request.server.emulator.faults.takeTriggerApiFault();
    if (!fault) return;
    if (fault.latencyMs !== undefined) await sleep(fault.latencyMs);
    if (fault.dropConnection) {
      // The caller sees a reset connection and no answer, as when the service drops it.
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (fault.status !== undefined) throw errors.injected(fault.status, fault.retryAfterSeconds);
  });
  app.addHook('onRequest', requireUser);
  const subscribeSchema = { body: { $ref: schemaId('subscribe-request') } };

  for (const trigger of triggerPaths) {
    app.post<{ Params: MailboxParams; Body: SubscribeRequest }>(
      `/bookingBusinesses/:SMTPAddress/webhook/${trigger.path}`,
      { schema: subscribeSchema },
      async (request, reply) => answer(request, reply, subscribe(request), trigger.answer),
    );
  }

  // The connector's routing policy sends all three subscriptions here; change_type tells them apart.
  app.post<{ Params: MailboxParams; Body: SubscribeRequest }>(
    '/bookingBusinesses/:SMTPAddress/webhook/',
    { schema: subscribeSchema },
    async (request, reply) => {
      const subscription = subscribe(request);
      return answer(
        request,
        reply,
        subscription,
        subscription.changeTypes.includes('Created') ? 'webhookId' : 'created',
      );
    },
  );

  app.delete<{ Params: WebhookParams }>(
    '/bookingBusinesses/:SMTPAddress/webhook/:WebhookId',
    async (request, reply) => {
      const { store } = request.server.emulator;
      const business = administeredBusiness(request, request.params.SMTPAddress);
      const subscription = store.subscriptions.get(request.params.WebhookId);
      if (!subscription || subscription.mailbox.toLowerCase() !== business.email.toLowerCase()) {
        throw errors.webhookNotFound(request.params.WebhookId, business.email);
      }
      store.subscriptions.remove(subscription.webhookId);
      request.server.emulator.events.emit('flows:changed');
      request.log.info({ webhookId: subscription.webhookId, mailbox: business.email }, 'flow unsubscribed');
      return reply.code(200).send();
    },
  );

  app.get('/bookingBusinessesUserAsAdmin', async (request) => {
    const header = request.headers['x-prefer-owauserconfig'];
    if (typeof header !== 'string' || header.trim().toLowerCase() !== 'true') {
      throw errors.missingHeader('X-Prefer-OWAUserConfig', 'true');
    }
    const { directory } = request.server.emulator;
    return {
      mailboxes: directory
        .businessesAdministeredBy(currentUser(request).upn)
        .map((business) => ({ displayName: business.displayName, email: business.email })),
    };
  });
}
