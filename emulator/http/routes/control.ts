import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SeedError } from '../../config/seed-loader.js';
import { ConfigError } from '../../core/config-error.js';
import { errors } from '../../core/errors.js';
import { packageVersion, schemasDir } from '../../core/paths.js';
import { loadSchemaDocument } from '../../core/schemas/documents.js';
import { schemaId } from '../../core/schemas/registry.js';
import { checkPolicies, policiesFromQuirks, policyTable, quirksOf } from '../../domain/policies.js';
import type { DeliveryFilter } from '../../domain/store.js';
import type {
  ClockAdvance,
  ClockState,
  Delivery,
  DeliveryList,
  Fault,
  FaultList,
  FlowList,
  Info,
  Policies,
  PolicyTable,
  Quirks,
  RedeliverManyRequest,
  RedeliverRequest,
  ResetRequest,
} from '../../generated/schema-types.js';

const controlSchema = (definition: string) => ({ $ref: schemaId('control-api', `#/$defs/${definition}`) });

/** openapi.yaml with its file references pointed at /_emulator/schemas/, so a client can follow them. */
async function openApiDocument(): Promise<unknown> {
  const { parse: parseYaml } = await import('yaml');
  const text = readFileSync(join(schemasDir, 'openapi.yaml'), 'utf8');
  return JSON.parse(JSON.stringify(parseYaml(text)), (key, value) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('./')
      ? `schemas/${value.slice(2)}`
      : value,
  );
}

/** The journal's statuses, as control-api.schema.json's DeliveryStatus lists them. */
const deliveryStatuses = new Set(
  (loadSchemaDocument('control-api').$defs.DeliveryStatus as { enum: readonly string[] }).enum,
);

/** The emulator's own API, registered under /_emulator. */
export async function controlRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/info', async (request): Promise<Info> => {
    const address = request.server.server.address();
    const selfUrl =
      typeof address === 'object' && address
        ? `http://127.0.0.1:${address.port}`
        : `${request.protocol}://${request.host}`;
    return { version: packageVersion, selfUrl };
  });

  app.get(
    '/flows',
    async (request): Promise<FlowList> => ({ flows: request.server.emulator.store.subscriptions.list() }),
  );

  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/deliveries',
    async (request): Promise<DeliveryList> => {
      for (const [name, value] of Object.entries(request.query)) {
        if (Array.isArray(value)) {
          throw errors.invalidControlRequest(
            `The query parameter "${name}" is given ${value.length} times; give it once.`,
            `query:${name}`,
          );
        }
      }
      const { webhookId, mailbox, status, appointmentId } = request.query;
      if (status !== undefined && !deliveryStatuses.has(status)) {
        throw errors.invalidControlRequest(
          `status must be one of ${[...deliveryStatuses].join(', ')}, got "${status}".`,
          'query:status',
        );
      }
      const filter: DeliveryFilter = {};
      if (webhookId !== undefined) filter.webhookId = webhookId;
      if (mailbox !== undefined) filter.mailbox = mailbox;
      if (status !== undefined) filter.status = status as DeliveryFilter['status'];
      if (appointmentId !== undefined) filter.appointmentId = appointmentId;
      return { deliveries: request.server.emulator.store.deliveries.list(filter) };
    },
  );

  /** A redelivery URL must pass the same allowlist as a subscription's. */
  const checkedUrl = (url: string | undefined, pointer: string): string | undefined => {
    if (url === undefined) return undefined;
    const { allowlist } = app.emulator;
    const verdict = allowlist.check(url);
    if (!verdict.allowed) {
      throw errors.invalidControlRequest(
        `Cannot redeliver to ${url}: ${verdict.reason}. Allowed hosts: ${allowlist.patterns.join(', ')}.`,
        pointer,
      );
    }
    return verdict.url;
  };
  /** Redelivery to the original URLs: the allowlist may be stricter than when they were subscribed. */
  const stillAllowed = (selected: readonly Delivery[]): void => {
    const { allowlist } = app.emulator;
    for (const delivery of selected) {
      const verdict = allowlist.check(delivery.url);
      if (!verdict.allowed) {
        throw errors.invalidControlRequest(
          `Cannot redeliver ${delivery.deliveryId} to its URL ${delivery.url}: ${verdict.reason}. Give an allowlisted "url" to send it elsewhere, or leave it out of the filter.`,
          '/url',
        );
      }
    }
  };
  const emptyBody = async (request: { body: unknown }) => {
    request.body ??= {};
  };

  app.post<{ Params: { deliveryId: string }; Body: RedeliverRequest }>(
    '/deliveries/:deliveryId/redeliver',
    { schema: { body: controlSchema('RedeliverRequest') }, preValidation: emptyBody },
    async (request, reply) => {
      const url = checkedUrl(request.body.url, '/url');
      const original = request.server.emulator.store.deliveries.get(request.params.deliveryId);
      if (url === undefined && original) stillAllowed([original]);
      const delivery = request.server.emulator.deliveries.redeliver(request.params.deliveryId, {
        ...(url === undefined ? {} : { url }),
        renewId: request.body.renewId ?? false,
      });
      return reply.code(202).send(delivery);
    },
  );

  app.post<{ Body: RedeliverManyRequest }>(
    '/deliveries/redeliver',
    { schema: { body: controlSchema('RedeliverManyRequest') }, preValidation: emptyBody },
    async (request, reply): Promise<DeliveryList> => {
      const { store, deliveries } = request.server.emulator;
      const url = checkedUrl(request.body.url, '/url');
      const selected = store.deliveries.list(request.body.filter ?? {});
      if (url === undefined) stillAllowed(selected);
      const redelivered = selected.map((delivery) =>
        deliveries.redeliver(delivery.deliveryId, {
          ...(url === undefined ? {} : { url }),
          renewId: request.body.renewId ?? false,
        }),
      );
      return reply.code(202).send({ deliveries: redelivered });
    },
  );

  app.post<{ Body: ResetRequest | undefined }>(
    '/reset',
    {
      schema: { body: controlSchema('ResetRequest') },
      // A bare POST (no body) is the common case: back to the configured seed.
      preValidation: emptyBody,
    },
    async (request, reply) => {
      const { seed, quirks, policies, idSeed } = request.body ?? {};
      try {
        request.server.emulator.reset({
          ...(seed === undefined ? {} : { seed }),
          ...(idSeed === undefined ? {} : { idSeed }),
          policies: { ...policiesFromQuirks(quirks ?? {}), ...policies },
        });
      } catch (error) {
        if (error instanceof SeedError) {
          throw errors.invalidControlRequest(`The seed is invalid: ${error.problems.join('; ')}`, '/seed');
        }
        throw error;
      }
      return reply.code(204).send();
    },
  );

  app.get(
    '/faults',
    async (request): Promise<FaultList> => ({ faults: request.server.emulator.faults.list() }),
  );

  app.post<{ Body: Fault }>(
    '/faults',
    { schema: { body: controlSchema('Fault') } },
    async (request, reply) => {
      return reply.code(201).send(request.server.emulator.faults.add(request.body));
    },
  );

  app.delete('/faults', async (request, reply) => {
    request.server.emulator.faults.clear();
    return reply.code(204).send();
  });

  const clockState = (app: FastifyInstance): ClockState => {
    const { clock } = app.emulator;
    const state: ClockState = {
      now: new Date(clock.now()).toISOString(),
      mode: clock.mode,
      pendingTimers: clock.pendingTimers(),
    };
    const next = clock.nextDueAt();
    if (next !== undefined) state.nextTimerAt = new Date(next).toISOString();
    return state;
  };

  app.get('/clock', async () => clockState(app));

  app.post<{ Body: ClockAdvance }>(
    '/clock',
    { schema: { body: controlSchema('ClockAdvance') } },
    async (request) => {
      const { clock } = request.server.emulator;
      const { byMs, to } = request.body;
      if ((byMs === undefined) === (to === undefined)) {
        throw errors.invalidControlRequest('Send exactly one of "byMs" or "to".', '/');
      }
      if (to !== undefined) {
        const target = Date.parse(to);
        if (target < clock.now())
          throw errors.invalidControlRequest(`"to" (${to}) is before the clock's now.`, '/to');
        await clock.advanceTo(target);
      } else {
        await clock.advanceBy(byMs ?? 0);
      }
      return clockState(app);
    },
  );

  app.get(
    '/policies',
    async (request): Promise<PolicyTable> => policyTable(request.server.emulator.policies),
  );

  app.put<{ Body: Policies }>(
    '/policies',
    {
      schema: { body: controlSchema('Policies') },
      // Names and values are judged here first, so the answer lists the allowed ones.
      preValidation: async (request) => {
        if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) return;
        try {
          checkPolicies(request.body);
        } catch (error) {
          if (error instanceof ConfigError) throw errors.invalidControlRequest(error.message, '/');
          throw error;
        }
      },
    },
    async (request): Promise<PolicyTable> => {
      Object.assign(request.server.emulator.policies, request.body);
      return policyTable(request.server.emulator.policies);
    },
  );

  // The quirk policies as booleans, for callers written before /policies.
  app.get('/quirks', async (request): Promise<Quirks> => quirksOf(request.server.emulator.policies));

  app.patch<{ Body: Quirks }>(
    '/quirks',
    { schema: { body: controlSchema('Quirks') } },
    async (request): Promise<Quirks> => {
      Object.assign(request.server.emulator.policies, policiesFromQuirks(request.body));
      return quirksOf(request.server.emulator.policies);
    },
  );

  // Built on first request: parsing openapi.yaml is a fifth of the start-up time.
  let document: Promise<unknown> | undefined;
  app.get('/openapi.json', async () => {
    document ??= openApiDocument();
    return document;
  });

  const schemaFiles = new Set(app.emulator.schemas.names.map((name) => `${name}.schema.json`));
  app.get<{ Params: { file: string } }>('/schemas/:file', async (request, reply) => {
    if (!schemaFiles.has(request.params.file)) throw errors.routeNotFound('GET', request.url);
    return reply
      .type('application/schema+json')
      .send(readFileSync(join(schemasDir, request.params.file), 'utf8'));
  });
}
