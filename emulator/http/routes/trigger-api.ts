import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../core/errors.js';
import { schemaId } from '../../core/schemas/registry.js';
import { triggerApiBase } from '../../domain/triggers.js';
import type { SubscribeRequest, Subscription, WebhookResponse } from '../../generated/schema-types.js';
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

function subscribe(request: FastifyRequest<{ Params: MailboxParams; Body: SubscribeRequest }>): Subscription {
  const { notification_url: notificationUrl, change_type: changeTypes } = request.body.webhook;
  const subscription = request.server.emulator.services.subscriptions.subscribe({
    caller: currentUser(request).upn,
    mailbox: request.params.SMTPAddress,
    notificationUrl,
    changeTypes,
  });
  request.log.info(
    { webhookId: subscription.webhookId, mailbox: subscription.mailbox, changeTypes },
    'flow subscribed',
  );
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
    const fault = request.server.emulator.state.faults.takeTriggerApiFault();
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
      const { SMTPAddress: mailbox, WebhookId: webhookId } = request.params;
      const subscription = request.server.emulator.services.subscriptions.unsubscribe(
        currentUser(request).upn,
        mailbox,
        webhookId,
      );
      request.log.info({ webhookId, mailbox: subscription.mailbox }, 'flow unsubscribed');
      return reply.code(200).send();
    },
  );

  app.get('/bookingBusinessesUserAsAdmin', async (request) => {
    const header = request.headers['x-prefer-owauserconfig'];
    if (typeof header !== 'string' || header.trim().toLowerCase() !== 'true') {
      throw errors.missingHeader('X-Prefer-OWAUserConfig', 'true');
    }
    const { subscriptions } = request.server.emulator.services;
    return { mailboxes: subscriptions.administeredMailboxes(currentUser(request).upn) };
  });
}
