import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../emulator/core/paths.js';
import { getSchemaRegistry, schemaId } from '../emulator/core/schemas/registry.js';
import type { Delivery } from '../emulator/generated/schema-types.js';
import { libraryScenarioFiles } from '../emulator/scenarios/files.js';
import { loadScenarioFile } from '../emulator/scenarios/load.js';
import { runScenario } from '../emulator/scenarios/runner.js';

const files = libraryScenarioFiles(join(packageRoot, 'scenarios'));

describe('every payload the emulator delivers while running the scenario library', () => {
  it.each(files)(
    '%s: each delivery validates against the connector schema and the emulator profile',
    async (file) => {
      const loaded = loadScenarioFile(file);
      if (!loaded.ok)
        throw new Error(loaded.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
      let journal: Delivery[] = [];
      await runScenario(loaded.loaded, { onDeliveries: (deliveries) => (journal = deliveries) });
      const registry = getSchemaRegistry();
      for (const delivery of journal) {
        const where = `${file}: delivery ${delivery.deliveryId} (${delivery.changeType})`;
        expect(registry.check(schemaId('appointment-data'), delivery.payload), where).toEqual([]);
        expect(registry.check(schemaId('appointment-data.emulator'), delivery.payload), where).toEqual([]);
        // What went over the wire is the payload that was judged.
        for (const attempt of delivery.attempts) {
          // A truncate fault cuts the body on purpose, and the journal says so.
          if (!attempt.truncated) expect(JSON.parse(attempt.requestBody), where).toEqual(delivery.payload);
        }
      }
    },
  );

  it('the library delivers payloads at all (the check above is not vacuous)', async () => {
    let total = 0;
    for (const file of files.slice(0, 5)) {
      const loaded = loadScenarioFile(file);
      if (loaded.ok)
        await runScenario(loaded.loaded, { onDeliveries: (deliveries) => (total += deliveries.length) });
    }
    expect(total).toBeGreaterThan(5);
  });
});
