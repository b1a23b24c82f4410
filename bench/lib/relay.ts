import Fastify from 'fastify';
import { Agent, request } from 'undici';
import { graphPaths, triggerApiPaths } from '../../emulator/client/paths.js';
import { subscribeRequest, triggerApiBase } from '../../emulator/domain/triggers.js';
import { admin } from './calls.js';

/** The emulator's default per-attempt delivery timeout (emulator/config/options.ts). */
const timeoutMs = 10_000;

/**
 * The relay baseline: a bare Fastify app with the emulator's two routes a delivery figure uses.
 * Subscribing keeps the notification URL under its mailbox; a Graph POST of an appointment to a
 * mailbox sends the body it received, re-serialised, to each URL kept for that mailbox, with undici
 * pooled as the emulator's delivery transport pools it (emulator/delivery/transport.ts), and
 * answers 201 once the POSTs are on their way, as the emulator answers a change before its
 * deliveries land. No rules, no payload, no journal, no retries: the least a relay does.
 * It listens on 127.0.0.1 like the emulator in the figures, and is driven the same way: inject().
 */
export async function startRelay() {
  const agent = new Agent({
    keepAliveTimeout: 4_000,
    connections: 64,
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const flows = new Map<string, string[]>();
  const failures: string[] = [];
  const app = Fastify();

  app.post<{ Params: { mailbox: string }; Body: { webhook: { notification_url: string } } }>(
    `${triggerApiBase}/bookingBusinesses/:mailbox/webhook/:trigger`,
    async (req, reply) => {
      const urls = flows.get(req.params.mailbox) ?? [];
      urls.push(req.body.webhook.notification_url);
      flows.set(req.params.mailbox, urls);
      return reply.code(201).send({});
    },
  );

  app.post<{ Params: { mailbox: string } }>(
    '/v1.0/solutions/bookingBusinesses/:mailbox/appointments',
    async (req, reply) => {
      const body = JSON.stringify(req.body);
      for (const url of flows.get(req.params.mailbox) ?? []) {
        request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          dispatcher: agent,
        })
          .then((response) => response.body.dump())
          .catch((error: Error) => failures.push(error.message));
      }
      return reply.code(201).send({});
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });

  const inject = async (url: string, payload: object) => {
    const response = await app.inject({ method: 'POST', url, headers: admin, payload });
    if (response.statusCode !== 201) throw new Error(`relay: ${url} answered ${response.statusCode}`);
  };
  return {
    /** Subscribes a flow to Created on `mailbox`, with the same request as the emulator's. */
    subscribe: (mailbox: string, notificationUrl: string) =>
      inject(triggerApiPaths.subscribe(mailbox, 'created'), subscribeRequest(notificationUrl, 'created')),
    /** One change: the same Graph POST the emulator gets. */
    change: (mailbox: string, appointment: object) => inject(graphPaths.appointments(mailbox), appointment),
    /** POSTs that failed so far; a figure that saw one measured nothing. */
    failures: () => failures,
    async close() {
      await app.close();
      await agent.close();
    },
  };
}
