import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Delivery } from 'bookings-emulator';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../../../emulator/core/paths.js';
import { loadScenarioFile } from '../../../emulator/scenarios/load.js';
import { prettyReport } from '../../../emulator/scenarios/reporters/pretty.js';
import { type ScenarioResult, summarise } from '../../../emulator/scenarios/results.js';
import { runScenario } from '../../../emulator/scenarios/runner.js';

/** Listens on 127.0.0.1 and a free port; resolves with the base URL. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

export interface ExampleRun {
  result: ScenarioResult;
  /** The report `bookings-emulator run` would print. */
  report: string;
  deliveries: Delivery[];
}

/** Runs `examples/scenarios/<name>` in-process with `vars` pointing it at the services the test started. */
export async function runExampleScenario(name: string, vars: Record<string, string>): Promise<ExampleRun> {
  const loaded = loadScenarioFile(join(packageRoot, 'examples', 'scenarios', name));
  if (!loaded.ok)
    throw new Error(loaded.diagnostics.map((d) => `${name}:${d.line}:${d.col} ${d.message}`).join('\n'));
  let deliveries: Delivery[] = [];
  const result = await runScenario(loaded.loaded, {
    vars: new Map(Object.entries(vars)),
    onDeliveries: (journal) => {
      deliveries = journal;
    },
  });
  return { result, report: prettyReport(summarise([result])), deliveries };
}
