import { generateSync } from 'json-schema-faker';
import { loadSchemaDocument } from '../../emulator/core/schemas/documents.js';
import { fakeAppointmentData } from '../../emulator/fakes/appointment-data.js';
import { type Measure, shortRounds, sized } from '../lib/figure.js';
import { fmt } from '../lib/format.js';
import { inTurns, ratePerSecond } from '../lib/stats.js';

/** Whole fake bookings through the real rules and formatter, against json-schema-faker alone. */
export const measure: Measure = async (effort) => {
  const turnMs = sized(effort, 500, 100);
  const generator = fakeAppointmentData({ seed: 1 });
  const document = loadSchemaDocument('appointment-data');
  let seed = 1;
  const result = await inTurns(
    shortRounds(effort),
    () =>
      ratePerSecond(turnMs, () => {
        generator.next();
      }),
    () =>
      ratePerSecond(turnMs, () => {
        generateSync(document as Parameters<typeof generateSync>[0], { seed: seed++ });
      }),
  );
  return [
    {
      figure: 'fake payloads per second',
      value: fmt(result.ours),
      baseline: `${fmt(result.baseline)} (json-schema-faker alone)`,
      ratio: result.ratio,
      target: '≥ 0.8x',
      met: result.ratio >= 0.8,
    },
  ];
};
