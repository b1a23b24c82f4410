import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { loadScenarioFile } from '../scenarios/load.js';
import { runScenario } from '../scenarios/runner.js';
import { dockerEngineStatus } from '../testing/docker.js';
import { testSeed } from '../testing/seed.js';
import {
  BookingsEmulatorContainer,
  defaultImage,
  type StartedBookingsEmulatorContainer,
} from './bookings-emulator-container.js';

const missing = dockerEngineStatus(defaultImage);
if (missing && !process.env.CI) console.warn(`container test skipped: ${missing}`);
// In CI a missing engine fails the test; on a developer's machine it says why it skipped.
const runIt = missing && !process.env.CI ? it.skip : it;

describe('the emulator as a container (testcontainers)', { timeout: 120_000 }, () => {
  let started: StartedBookingsEmulatorContainer | undefined;

  beforeAll(async () => {
    if (missing) return;
    started = await new BookingsEmulatorContainer()
      .withSeed(testSeed)
      .withQuirk('cancel-reason-missing-1on1', false)
      .start();
  });

  afterAll(async () => {
    await started?.stop();
  });

  runIt('starts healthy with the seed and quirks it was given, and plays a scenario', async () => {
    if (!started) throw new Error(`the container test needs Docker: ${missing}`);
    expect(started.tokens['admin@contoso.example']).toBe('admin-token-0001');
    const quirks = (await (await fetch(`${started.getUrl()}/_emulator/quirks`)).json()) as Record<
      string,
      boolean
    >;
    expect(quirks['cancel-reason-missing-1on1']).toBe(false);
    const loaded = loadScenarioFile(join(packageRoot, 'scenarios', 'payload-group.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const result = await runScenario(loaded.loaded, { emulatorUrl: started.getUrl() });
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.deliveries).toBeGreaterThan(0);
  });
});
