import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../../core/errors.js';
import { loadSchemaDocument } from '../../../core/schemas/documents.js';
import type { Fault, FaultList } from '../../../generated/schema-types.js';
import { controlSchema } from './shared.js';

type Definition = { $ref?: string; properties?: { target?: { const?: string } }; description?: string };

/** Each fault kind by its `target`, read from control-api.schema.json's Fault: trigger-api, inbox, delivery. */
function faultKinds(): Map<string, string> {
  const { $defs } = loadSchemaDocument('control-api');
  const kinds = new Map<string, string>();
  for (const branch of ($defs.Fault as { oneOf: Definition[] }).oneOf) {
    const name = branch.$ref?.replace('#/$defs/', '') ?? '';
    const target = ($defs[name] as Definition | undefined)?.properties?.target?.const;
    if (target) kinds.set(target, name);
  }
  return kinds;
}

/**
 * preValidation: the body is judged against the one kind its `target` names, so a wrong target
 * lists the allowed ones and a mistake in a fault is reported against its own kind, not against
 * whichever branch of Fault's oneOf ajv happened to report first.
 */
function judgeByTarget(kinds: Map<string, string>) {
  const allowed = [...kinds.keys()].map((target) => `"${target}"`).join(', ');
  return async (request: FastifyRequest) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
    const target = (body as { target?: unknown }).target;
    const kind = typeof target === 'string' ? kinds.get(target) : undefined;
    if (kind === undefined) {
      const got = target === undefined ? 'is missing' : `is ${JSON.stringify(target)}`;
      throw errors.invalidBody(
        '/target',
        `${got}; it must be one of ${allowed} (trigger-api: the trigger API answers a status, waits or drops the connection; inbox: a built-in inbox refuses deliveries; delivery: the emulator drops, duplicates, delays, reorders, truncates or stalls its own deliveries)`,
        'control-api',
      );
    }
    const [first] = request.server.emulator.runtime.schemas.check(controlSchema(kind).$ref, body);
    if (first) {
      throw errors.invalidBody(first.pointer, `${first.message} (for target "${target}")`, 'control-api');
    }
  };
}

/** GET, POST and DELETE /faults: injected failures, consumed one call at a time. */
export function faultRoutes(app: FastifyInstance): void {
  app.get(
    '/faults',
    async (request): Promise<FaultList> => ({ faults: request.server.emulator.state.faults.list() }),
  );

  app.post<{ Body: Fault }>(
    '/faults',
    { schema: { body: controlSchema('Fault') }, preValidation: judgeByTarget(faultKinds()) },
    async (request, reply) => {
      return reply.code(201).send(request.server.emulator.state.faults.add(request.body));
    },
  );

  app.delete('/faults', async (request, reply) => {
    request.server.emulator.state.faults.clear();
    return reply.code(204).send();
  });
}
