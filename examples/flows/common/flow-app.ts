import { type AppointmentData, getSchemaRegistry, schemaId } from 'bookings-emulator';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';

type Trigger = 'created' | 'updated' | 'cancelled';

/** What a flow does with one trigger's payload; throwing makes the delivery fail (502) and be retried. */
type FlowStep = (appointment: AppointmentData, log: FastifyBaseLogger) => Promise<void>;

export interface FlowDefinition {
  /** What the flow does on each trigger it subscribes to. */
  on: Partial<Record<Trigger, FlowStep>>;
  /** Forgets what the flow remembers (its idempotency store, the ids it keeps). */
  reset(): void;
}

/** The error and, for a network failure ("fetch failed"), its cause. */
function describe(error: unknown): string {
  const { message, cause } = error as Error & { cause?: Error };
  return cause?.message ? `${message}: ${cause.message}` : message;
}

/**
 * A flow service: Fastify standing where the Power Automate flow would, with one endpoint per
 * trigger (`POST /created`, `/updated`, `/cancelled`) to subscribe as the flow's callback URL.
 * Bodies are checked against the connector's AppointmentData schema, as the trigger would parse
 * them; a downstream failure answers 502, so the emulator (like the real service) retries.
 * `DELETE /state` forgets what the flow remembers, so a test or scenario starts clean.
 */
export function buildFlowApp(flow: FlowDefinition, options: { logger?: boolean } = {}): FastifyInstance {
  // One line per call is logged by the handlers; Fastify's request lines would drown it.
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const registry = getSchemaRegistry();
  app.setValidatorCompiler(({ schema }) => registry.validator(schema));
  const body = { $ref: schemaId('appointment-data') };
  for (const [trigger, step] of Object.entries(flow.on)) {
    app.post(`/${trigger}`, { schema: { body } }, async (request, reply) => {
      try {
        await step(request.body as AppointmentData, request.log);
      } catch (error) {
        request.log.error({ err: error }, `${trigger}: a downstream call failed`);
        return reply.code(502).send({
          error: {
            code: 'DownstreamFailed',
            message: `${describe(error)}. The delivery fails so that it is retried; fix the call or start the service.`,
          },
        });
      }
      return reply.code(200).send({ done: trigger });
    });
  }
  app.delete('/state', async (_request, reply) => {
    flow.reset();
    return reply.code(204).send();
  });
  return app;
}
