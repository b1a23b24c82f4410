import type { FastifyInstance } from 'fastify';
import type { Inbox, InboxMessage } from '../../generated/schema-types.js';

type InboxParams = { name: string };

/**
 * A built-in flow endpoint: subscribe `http://HOST:PORT/_emulator/inbox/NAME` and read
 * back what arrived. Registered under /_emulator/inbox. The messages live in the store, so with
 * --data-dir they survive a restart, as the journal that says they were delivered does. Under
 * --retain-deliveries N an inbox keeps its newest N messages and counts the older ones it dropped.
 */
export async function inboxRoutes(app: FastifyInstance): Promise<void> {
  // A receiver records what it gets, whatever the type; only JSON is parsed.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post<{ Params: InboxParams }>('/:name', async (request, reply) => {
    const { store, faults } = request.server.emulator.state;
    const { clock } = request.server.emulator.runtime;
    const fault = faults.takeInboxFault(request.params.name);
    if (fault && (fault.status < 200 || fault.status >= 300)) {
      if (fault.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(fault.retryAfterSeconds));
      return reply
        .code(fault.status)
        .type('text/plain')
        .send(`inbox ${request.params.name}: injected ${fault.status}`);
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).flatMap(([key, value]) =>
        value === undefined ? [] : [[key, Array.isArray(value) ? value.join(', ') : value]],
      ),
    );
    const message: InboxMessage = {
      receivedAt: new Date(clock.now()).toISOString(),
      headers,
      body: request.body as InboxMessage['body'],
    };
    store.inboxes.append(request.params.name, message);
    return reply.code(fault?.status ?? 200).send();
  });

  app.get<{ Params: InboxParams }>('/:name', async (request): Promise<Inbox> => {
    const { inboxes } = request.server.emulator.state.store;
    return {
      name: request.params.name,
      messages: inboxes.list(request.params.name),
      evicted: inboxes.evicted(request.params.name),
    };
  });

  app.delete<{ Params: InboxParams }>('/:name', async (request, reply) => {
    request.server.emulator.state.store.inboxes.remove(request.params.name);
    return reply.code(204).send();
  });
}
