import { type RunReport, type ScenarioResult, totalsLine } from '../results.js';
import { failureLines, statusMark } from './scenario-lines.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The runs of one scenario: a matrix runs each scenario's variants one after another. */
function byScenario(results: readonly ScenarioResult[]): ScenarioResult[][] {
  const groups: ScenarioResult[][] = [];
  for (const result of results) {
    const last = groups.at(-1);
    if (last?.[0]?.file === result.file && last[0].name === result.name) last.push(result);
    else groups.push([result]);
  }
  return groups;
}

const isFailure = (run: ScenarioResult) => run.status === 'failed' || run.status === 'error';

function scenarioBlock(runs: ScenarioResult[]): string[] {
  const first = runs[0];
  if (!first) return [];
  // A needed service that is not running skips every variant, for the same reason.
  if (runs.every((run) => run.status === 'skipped'))
    return [`SKIP ${first.name} (${first.file}): skipped: ${first.skipReason ?? ''}`];
  const failed = runs.filter(isFailure);
  const verdict =
    failed.length === 0
      ? `PASS ${first.name} (${first.file}): ${plural(runs.length, 'policy variant')} passed`
      : `FAIL ${first.name} (${first.file}): ${failed.length} of ${plural(runs.length, 'policy variant')} failed`;
  return [
    verdict,
    ...runs.map((run) => `  ${statusMark(run).padEnd(5)} ${run.variant ?? 'defaults'}`),
    ...failed.flatMap(failureLines),
  ];
}

/** Across several scenarios, which variants failed where: the policies the flows depend on. */
function failingVariants(results: readonly ScenarioResult[]): string[] {
  const tally = new Map<string, { failed: number; ran: number }>();
  for (const result of results) {
    const variant = result.variant ?? 'defaults';
    const counts = tally.get(variant) ?? { failed: 0, ran: 0 };
    counts.ran += 1;
    if (isFailure(result)) counts.failed += 1;
    tally.set(variant, counts);
  }
  const listed = [...tally]
    .filter(([, counts]) => counts.failed > 0)
    .map(([variant, { failed, ran }]) => `  ${variant}: ${failed} of ${plural(ran, 'scenario')}`);
  return listed.length === 0 ? [] : ['Failing variants:', ...listed, ''];
}

/**
 * run --matrix for a person at a terminal: per scenario, a row per policy variant with its
 * verdict, then what failed under which variant; last, the totals over every run.
 */
export function matrixTable(report: RunReport): string {
  const groups = byScenario(report.scenarios);
  const variants = new Set(report.scenarios.map((result) => result.variant));
  const lines = groups.flatMap(scenarioBlock);
  lines.push('');
  if (groups.length > 1) lines.push(...failingVariants(report.scenarios));
  lines.push(
    `${totalsLine(report)} (${plural(report.scenarios.length, 'run')}: ${plural(groups.length, 'scenario')}, ${plural(variants.size, 'policy variant')})`,
  );
  return `${lines.join('\n')}\n`;
}
