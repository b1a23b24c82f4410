import Fastify, { type FastifyInstance } from 'fastify';
import { type EmulatorOptions, type ResolvedConfig, resolveConfig } from '../config/options.js';
import { ConfigError } from '../core/config-error.js';
import { compileOnFirstUse } from '../core/schemas/registry.js';
import { triggerApiBase } from '../domain/triggers.js';
import { createMemoryStore } from '../state/memory/memory-store.js';
import { answerClientError } from './client-error.js';
import { composeEmulator } from './compose.js';
import type { EmulatorContext } from './context.js';
import { installControlTokenGuard } from './control-token.js';
import { installErrorHandling } from './error-handler.js';
import { installStrictJsonParser } from './json-body.js';
import { loggerOptions } from './log-redaction.js';
import { rejectControlCharactersInPath, sendFrameworkError } from './path-guard.js';
import { controlRoutes } from './routes/control/index.js';
import { dashboardRoutes, rootRedirect } from './routes/dashboard.js';
import { graphAppointmentRoutes } from './routes/graph-appointments.js';
import { graphAvailabilityRoutes } from './routes/graph-availability.js';
import { graphBusinessRoutes } from './routes/graph-businesses.js';
import { inboxRoutes } from './routes/inbox.js';
import { selfServiceRoutes } from './routes/self-service.js';
import { triggerApiRoutes } from './routes/trigger-api.js';

declare module 'fastify' {
  interface FastifyInstance {
    emulator: EmulatorContext;
  }
}

function isResolved(value: EmulatorOptions | ResolvedConfig): value is ResolvedConfig {
  return 'allowlist' in value && 'webhookLimit' in value && Object.isFrozen(value);
}

async function openSqliteStore(dataDir: string, retainDeliveries: number | undefined) {
  let sqlite: typeof import('../state/sqlite/sqlite-store.js');
  try {
    sqlite = await import('../state/sqlite/sqlite-store.js');
  } catch (error) {
    throw new ConfigError(
      `--data-dir needs the optional dependency better-sqlite3, which is not installed (${(error as Error).message}). Install it with: npm install better-sqlite3@12`,
    );
  }
  return sqlite.createSqliteStore(dataDir, { retainDeliveries });
}

/**
 * Builds the emulator app without listening: `inject()` in tests, `listen()` in startEmulator.
 * Request lifecycle: onRequest (credentials, trigger API only) -> JSON parsing -> body schema
 * (ajv 2020, judging, never coercing) -> handler -> error handler (one registry of error kinds).
 */
export async function buildApp(options: EmulatorOptions | ResolvedConfig = {}): Promise<FastifyInstance> {
  const config = isResolved(options) ? options : resolveConfig(options);
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimitBytes,
    // Long flow callback URLs travel in bodies, not paths; 8 KiB paths are plenty.
    routerOptions: { maxParamLength: 2048 },
    // Bad percent-encoding and overlong segments answer in the error envelope, not Fastify's own.
    frameworkErrors: sendFrameworkError,
    // Requests Node's HTTP parser refuses answer in the envelope too.
    clientErrorHandler: answerClientError,
  });
  // better-sqlite3 is loaded only when asked for: in-memory runs start faster without it.
  const store = config.dataDir
    ? await openSqliteStore(config.dataDir, config.retainDeliveries)
    : createMemoryStore({ retainDeliveries: config.retainDeliveries });
  const context = composeEmulator(config, app.log, store);
  app.decorate('emulator', context);
  app.setValidatorCompiler(({ schema }) =>
    compileOnFirstUse(() => context.runtime.schemas.validator(schema)),
  );
  // Bodies are JSON; Fastify's default text/plain parser would turn a mislabelled body into a string.
  app.removeContentTypeParser('text/plain');
  installStrictJsonParser(app);
  installErrorHandling(app, config.bodyLimitBytes);
  installControlTokenGuard(app, config.controlToken);
  app.addHook('onRequest', rejectControlCharactersInPath);

  await app.register(triggerApiRoutes, { prefix: triggerApiBase });
  await app.register(triggerApiRoutes, { prefix: `/:connectionId${triggerApiBase}` });
  await app.register(graphAppointmentRoutes, { prefix: '/v1.0/solutions/bookingBusinesses' });
  await app.register(graphAvailabilityRoutes, { prefix: '/v1.0/solutions/bookingBusinesses' });
  await app.register(graphBusinessRoutes, { prefix: '/v1.0/solutions/bookingBusinesses' });
  await app.register(controlRoutes, { prefix: '/_emulator' });
  await app.register(dashboardRoutes, { prefix: '/_emulator' });
  await app.register(rootRedirect);
  await app.register(inboxRoutes, { prefix: '/_emulator/inbox' });
  await app.register(selfServiceRoutes, { prefix: '/_emulator/businesses' });

  app.addHook('onClose', async () => context.close());
  // With a durable store, deliveries a killed emulator left unsettled go out again (at least once).
  if (config.dataDir) {
    app.addHook('onReady', async () => {
      const resumed = context.services.redelivery.resumePending();
      if (resumed > 0) app.log.info({ resumed }, 'resuming deliveries left pending');
    });
  }
  return app;
}
