import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadSchemaDocument } from '../../emulator/core/schemas/documents.js';
import { getSchemaRegistry, schemaId } from '../../emulator/core/schemas/registry.js';
import { fakeAppointmentData } from '../../emulator/fakes/appointment-data.js';
import { type Measure, shortRounds, sized } from '../lib/figure.js';
import { fmt } from '../lib/format.js';
import { inTurns, ratePerSecond } from '../lib/stats.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The registry's payload check, against ajv alone on the same schema with the same options. */
export const measure: Measure = async (effort) => {
  const turnMs = sized(effort, 300, 100);
  const payload = fakeAppointmentData({ seed: 1 }).next().value;
  const registry = getSchemaRegistry();
  // The same options the registry uses, so the ratio is the registry's own overhead.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(loadSchemaDocument('appointment-data') as object);
  const validate = ajv.compile(loadSchemaDocument('appointment-data.emulator') as object);
  const emulatorProfile = schemaId('appointment-data.emulator');
  // Many short turns: on this shared VM the same loop's speed swings by 2x from second to second.
  const result = await inTurns(
    shortRounds(effort),
    () =>
      ratePerSecond(turnMs, () => {
        registry.check(emulatorProfile, payload);
      }),
    () =>
      ratePerSecond(turnMs, () => {
        validate(payload);
      }),
  );
  return [
    {
      figure: 'payload validations per second (emulator profile)',
      value: fmt(result.ours),
      baseline: `${fmt(result.baseline)} (ajv on the same schema)`,
      ratio: result.ratio,
      target: '≥ 0.9x',
      met: result.ratio >= 0.9,
    },
  ];
};
