/**
 * `npm run bench [-- NAME...]`: each figure beside a baseline measured in the same run, on
 * loopback, bounded in time. Each figure is a module in bench/figures/, loaded only when it is
 * measured. Prints one table; a full run also rewrites the table in bench/RESULTS.md. Targets are
 * checked here, never in tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../emulator/core/paths.js';
import type { Measure, Row } from './lib/figure.js';
import { fmt } from './lib/format.js';

/** In table order; the name is what `npm run bench -- NAME` selects. */
const figures: Array<[string, () => Promise<{ measure: Measure }>]> = [
  ['startup', () => import('./figures/startup.js')],
  ['subscribe', () => import('./figures/subscribe.js')],
  ['delivery-1', () => import('./figures/delivery-1.js')],
  ['delivery-5', () => import('./figures/delivery-5.js')],
  ['delivery-journal-100k', () => import('./figures/delivery-journal-100k.js')],
  ['latency', () => import('./figures/latency.js')],
  ['validation', () => import('./figures/validation.js')],
  ['fake', () => import('./figures/fake.js')],
  ['scenario', () => import('./figures/scenario.js')],
];

const rows: Row[] = [];
const only = process.argv.slice(2);
for (const [name, load] of figures) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`measuring ${name}…\n`);
  const { measure } = await load();
  rows.push(...(await measure()));
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const table = [
  '| figure | value | baseline (same run) | ratio | target | met |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (row) =>
      `| ${row.figure} | ${row.value} | ${row.baseline} | ${fmt(row.ratio, 2)}x | ${row.target} | ${row.met ? 'yes' : 'NO'} |`,
  ),
].join('\n');
process.stdout.write(`${table}\n\nmachine: ${machine}\n`);
if (only.length === 0) {
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
