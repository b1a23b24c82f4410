import type { FastifyInstance } from 'fastify';
import type { EmulatorOptions } from '../config/options.js';
import { resolveConfig } from '../config/options.js';
import { policyVariants } from '../domain/policy-variants.js';
import { buildApp } from '../http/app.js';
import type { EmulatorContext } from '../http/context.js';
import { exposureWarning } from './exposure.js';
import { createHandle, type EmulatorHandle } from './handle.js';

export interface StartOptions extends EmulatorOptions {
  /** 0 (default) takes a free port. */
  port?: number;
  /** 127.0.0.1 unless told otherwise. */
  host?: string;
  /**
   * Told what is exposed when `host` is beyond loopback. By default a Node process warning
   * (stderr, once per process); the CLI prints it its own way.
   */
  onExposed?: (warning: string) => void;
}

export interface RunningEmulator extends EmulatorHandle {
  /** Base URL, e.g. http://127.0.0.1:4780 */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly context: EmulatorContext;
  reset(): void;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

const warnOnce = (warning: string) =>
  process.emitWarning(warning.trim().replace(/^warning: /, ''), { code: 'BOOKINGS_EMULATOR_EXPOSED' });

/** Builds the app and listens; the CLI and tests share this one path. */
export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const config = resolveConfig(options);
  const app = await buildApp(config);
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const warning = exposureWarning(host, config.controlToken !== undefined);
  if (warning) (options.onExposed ?? warnOnce)(warning);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    ...createHandle(app),
    url: `http://${urlHost(host)}:${port}`,
    app,
    context: app.emulator,
    reset: () => app.emulator.reset(),
    close: () => app.close(),
  };
}

/**
 * The runs `bookings-emulator run --matrix` makes, for vitest's describe.each:
 * `describe.each(startEmulator.variants())('$name', ({ policies }) => ...startEmulator({ policies }))`.
 */
startEmulator.variants = policyVariants;
