/**
 * `npm run soak`: a bounded soak of the built emulator (default 5 minutes) with a flaky receiver,
 * then the figures and a verdict. Exit 1 when an event was lost, memory grew past its bound, a
 * descriptor leaked or a call failed; 2 on a bad flag. Not part of CI (a 10-second version is).
 *
 *   npm run soak -- --seconds 30 --seed 7 --rate 40      (or SOAK_SECONDS, SOAK_SEED, SOAK_RATE)
 */
import { parseArgs } from 'node:util';
import { runSoak } from './soak/run.js';

function whole(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    process.stderr.write(`soak: --${name} must be a whole number of at least 1, got "${value}"\n`);
    process.exit(2);
  }
  return Number(value);
}

let flags: Record<string, string | undefined>;
try {
  flags = parseArgs({
    options: { seconds: { type: 'string' }, seed: { type: 'string' }, rate: { type: 'string' } },
  }).values;
} catch (error) {
  process.stderr.write(`soak: ${(error as Error).message} (flags: --seconds N, --seed N, --rate N)\n`);
  process.exit(2);
}

const seconds = whole('seconds', flags.seconds ?? process.env.SOAK_SECONDS, 300);
const seed = whole('seed', flags.seed ?? process.env.SOAK_SEED, 1);
const rate = whole('rate', flags.rate ?? process.env.SOAK_RATE, 40);
const started = Date.now();
const result = await runSoak({
  seconds,
  seed,
  rate,
  progress: (line) => process.stderr.write(`[soak ${Math.round((Date.now() - started) / 1000)} s] ${line}\n`),
});
process.stdout.write(`${result.report}\n`);
if (result.problems.length > 0) {
  process.stdout.write(`\nFAILED\n${result.problems.map((problem) => `- ${problem}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('\npassed: nothing lost, memory within its bound, no descriptor leaked\n');
