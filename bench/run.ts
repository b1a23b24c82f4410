/**
 * `npm run bench [-- NAME...]`: each figure beside a baseline measured in the same run, on
 * loopback, bounded in time. Each figure is a module in bench/figures/ (listed in
 * bench/lib/run-figures.ts), loaded only when it is measured. Prints one table; a full run also
 * rewrites the table in bench/RESULTS.md. Targets are checked here, never in tests.
 *
 * `--smoke`: every figure (or the named ones) once, with token counts, in seconds; no target is
 * checked and RESULTS.md is left alone. Exits 1 only if a figure crashed (as any run does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { packageRoot } from '../emulator/core/paths.js';
import { fmt } from './lib/format.js';
import { resultsTable, runFigures } from './lib/run-figures.js';

const args = process.argv.slice(2);
const effort = { smoke: args.includes('--smoke') };
const only = args.filter((arg) => !arg.startsWith('--'));

const { rows, crashed } = await runFigures(only, effort, (line) => process.stderr.write(`${line}\n`));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const table = resultsTable(rows, effort);
process.stdout.write(`${table}\n\nmachine: ${machine}\n`);
for (const { name, error } of crashed) process.stderr.write(`\n${name} crashed: ${inspect(error)}\n`);
if (crashed.length > 0) process.exit(1);

if (only.length === 0 && !effort.smoke) {
  // Only the part between the markers is rewritten; the explanations below it are kept.
  const resultsPath = join(packageRoot, 'bench', 'RESULTS.md');
  const latest = `<!-- table -->\nLatest \`npm run bench\`, ${new Date().toISOString().slice(0, 10)}, on ${machine}.\n\n${table}\n<!-- /table -->`;
  const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
  const marked = /<!-- table -->[\s\S]*<!-- \/table -->/;
  writeFileSync(
    resultsPath,
    marked.test(previous) ? previous.replace(marked, () => latest) : `# Benchmark results\n\n${latest}\n`,
  );
  // The project's formatter pads the table, so `npm test`'s lint accepts the file as written.
  spawnSync(
    process.execPath,
    [
      join(packageRoot, 'node_modules', '@biomejs', 'biome', 'bin', 'biome'),
      'format',
      '--write',
      resultsPath,
    ],
    {
      stdio: 'ignore',
    },
  );
}
