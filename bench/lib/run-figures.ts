import type { Effort, Measure, Row } from './figure.js';
import { fmt } from './format.js';

/** In table order; the name is what `npm run bench -- NAME` selects. Loaded only when measured. */
export const figures: Array<[string, () => Promise<{ measure: Measure }>]> = [
  ['startup', () => import('../figures/startup.js')],
  ['subscribe', () => import('../figures/subscribe.js')],
  ['delivery-1', () => import('../figures/delivery-1.js')],
  ['delivery-5', () => import('../figures/delivery-5.js')],
  ['delivery-journal-100k', () => import('../figures/delivery-journal-100k.js')],
  ['latency', () => import('../figures/latency.js')],
  ['scale', () => import('../figures/scale.js')],
  ['validation', () => import('../figures/validation.js')],
  ['fake', () => import('../figures/fake.js')],
  ['scenario', () => import('../figures/scenario.js')],
];

interface FigureRun {
  rows: Row[];
  /** Figures that threw, with what they threw. */
  crashed: Array<{ name: string; error: unknown }>;
}

/**
 * Measures the named figures (all when `only` is empty), one after another; a figure that throws
 * is recorded and the rest still run.
 */
export async function runFigures(
  only: readonly string[],
  effort: Effort,
  progress: (line: string) => void = () => {},
): Promise<FigureRun> {
  const unknown = only.filter((name) => !figures.some(([known]) => known === name));
  if (unknown.length > 0)
    throw new Error(
      `no figure named ${unknown.join(', ')}; known: ${figures.map(([name]) => name).join(', ')}`,
    );
  const run: FigureRun = { rows: [], crashed: [] };
  for (const [name, load] of figures) {
    if (only.length > 0 && !only.includes(name)) continue;
    progress(`measuring ${name}${effort.smoke ? ' (smoke)' : ''}…`);
    const started = performance.now();
    try {
      const { measure } = await load();
      run.rows.push(...(await measure(effort)));
    } catch (error) {
      run.crashed.push({ name, error });
    }
    progress(`  ${name}: ${fmt((performance.now() - started) / 1000, 1)} s`);
  }
  return run;
}

/** The results table; a smoke run checks no target, so its last column says so. */
export function resultsTable(rows: readonly Row[], effort: Effort): string {
  const met = (row: Row) => (effort.smoke ? 'smoke' : row.met === undefined ? '—' : row.met ? 'yes' : 'NO');
  return [
    '| figure | value | baseline (same run) | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.figure} | ${row.value} | ${row.baseline} | ${fmt(row.ratio, 2)}x | ${row.target} | ${met(row)} |`,
    ),
  ].join('\n');
}
