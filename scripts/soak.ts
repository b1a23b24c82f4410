/**
 * `npm run soak`: a bounded soak of the built emulator, then the figures and a verdict. Not part
 * of CI (short versions are). Exit 1 when the run failed, 2 on a bad flag, 130 when interrupted.
 *
 * Without --kill-every, a flaky receiver (default 5 minutes): exit 1 when an event was lost,
 * memory grew past its bound, a descriptor leaked or a call failed.
 *
 *   npm run soak -- --seconds 30 --seed 7 --rate 40      (or SOAK_SECONDS, SOAK_SEED, SOAK_RATE)
 *
 * With --kill-every, the kill loop: SIGKILL and restart on the same --data-dir on a seeded
 * schedule; exit 1 on a loss, too many duplicates or a damaged database (docs/hardening.md).
 * --negative-control runs it without --data-dir, and must fail.
 *
 *   npm run soak -- --kill-every 10s --minutes 3 [--seed 7] [--rate 40] [--negative-control]
 */
import { parseSoakFlags, type SoakCommand, SoakFlagError, soakUsage } from './soak/flags.js';
import { runKillLoop } from './soak/kill-loop.js';
import { runSoak } from './soak/run.js';

let command: SoakCommand;
try {
  command = parseSoakFlags(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof SoakFlagError)) throw error;
  process.stderr.write(`soak: ${error.message} (${soakUsage})\n`);
  process.exit(2);
}

const started = Date.now();
const progress = (line: string) =>
  process.stderr.write(`[soak ${Math.round((Date.now() - started) / 1000)} s] ${line}\n`);

function verdict(problems: string[], passed: string): never {
  if (problems.length > 0) {
    process.stdout.write(`\nFAILED\n${problems.map((problem) => `- ${problem}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`\npassed: ${passed}\n`);
  process.exit(0);
}

if (command.mode === 'kill-loop') {
  // Ctrl-C or a SIGTERM: kill the emulator and remove the temporary folder before leaving.
  const interrupt = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      interrupt.abort();
      process.stderr.write(`soak: ${signal}, emulator killed and temporary folder removed\n`);
      process.exit(130);
    });
  const report = await runKillLoop({ ...command, progress, signal: interrupt.signal });
  process.stdout.write(`${report.summary}\n`);
  verdict(report.problems, 'nothing acknowledged was lost, duplicates within the bound, database intact');
} else {
  const result = await runSoak({
    seconds: command.seconds,
    seed: command.seed,
    rate: command.rate,
    progress,
  });
  process.stdout.write(`${result.report}\n`);
  verdict(result.problems, 'nothing lost, memory within its bound, no descriptor leaked');
}
