import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../core/errors.js';
import { schemaId } from '../../core/schemas/registry.js';
import { triggerApiBase, triggerOf } from '../../domain/triggers.js';
import type {
  ChangeType,
  SubscribeRequest,
  Subscription,
  WebhookResponse,
} from '../../generated/schema-types.js';
import { currentUser, requireUser } from '../authenticate.js';

interface TriggerPath {
  path: string;
  /** The change the path is named for; change_type in the body still decides (source [A]). */
  changeType: ChangeType;
  answer: 'webhookId' | 'created';
}

/** The per-trigger paths of the connector (source [A]); each answers as declared there. */
const triggerPaths: readonly TriggerPath[] = [
  { path: 'AppointmentCreated', changeType: 'Created', answer: 'webhookId' },
  { path: 'AppointmentUpdated', changeType: 'Updated', answer: 'created' },
  { path: 'AppointmentDeleted', changeType: 'Deleted', answer: 'created' },
];

/** The header that tells a caller what the emulator did that it may not have expected. */
const emulatorNoteHeader = 'x-emulator-note';

/**
 * Said when a per-trigger path gets a change_type other than its own: the flow is registered as
 * the body says (faithful: the backend decides by change_type), and the caller is told so.
 */
function changeTypeNote(trigger: TriggerPath, changeTypes: readonly ChangeType[]): string | undefined {
  if (changeTypes.length === 1 && changeTypes[0] === trigger.changeType) return undefined;
  const named = triggerOf[trigger.changeType];
  const fires = changeTypes.map((type) => triggerOf[type]).join(' or ');
  const besides = changeTypes.includes(trigger.changeType)
    ? `not only when it is ${named}`
    : `not when it is ${named} as the path says`;
  return `subscribed on .../webhook/${trigger.path} with change_type ${JSON.stringify(changeTypes)}: this flow fires when an appointment is ${fires}, ${besides}. The service goes by change_type, not by the path; for a "When an appointment is ${named}" flow send change_type ["${trigger.changeType}"].`;
}

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
      async (request, reply) => {
        const subscription = subscribe(request);
        const note = changeTypeNote(trigger, subscription.changeTypes);
        if (note) {
          void reply.header(emulatorNoteHeader, note);
          request.log.warn({ webhookId: subscription.webhookId, mailbox: subscription.mailbox }, note);
        }
        return answer(request, reply, subscription, trigger.answer);
      },
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
