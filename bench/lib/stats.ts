export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** Runs `task` repeatedly for `ms` of wall time and returns how many times per second it ran. */
export async function ratePerSecond(ms: number, task: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < ms) {
    await task();
    count += 1;
  }
  return count / ((performance.now() - start) / 1000);
}

/**
 * Measures `ours` and each baseline in turns, `rounds` times, `ours` going first every other round
 * and last in the others, so that a slow spell of a shared machine (or the garbage an earlier
 * figure left) falls on all of them; returns the median of each and, per baseline, the median of
 * the per-round ratios ours / baseline.
 */
export async function alongside<Name extends string>(
  rounds: number,
  ours: () => Promise<number>,
  baselines: Record<Name, () => Promise<number>>,
): Promise<{ ours: number; baselines: Record<Name, { value: number; ratio: number }> }> {
  const names = Object.keys(baselines) as Name[];
  const measured: Array<{ ours: number } & Record<Name, number>> = [];
  for (let round = 0; round < rounds; round++) {
    const order: Array<Name | 'ours'> = ['ours', ...names];
    if (round % 2 === 1) order.reverse();
    const values = {} as { ours: number } & Record<Name, number>;
    for (const name of order) {
      (values as Record<string, number>)[name] = await (name === 'ours' ? ours : baselines[name])();
    }
    measured.push(values);
  }
  const result = {} as Record<Name, { value: number; ratio: number }>;
  for (const name of names) {
    result[name] = {
      value: median(measured.map((values) => values[name])),
      ratio: median(measured.map((values) => values.ours / values[name])),
    };
  }
  return { ours: median(measured.map((values) => values.ours)), baselines: result };
}

/** `alongside` with one baseline. */
export async function inTurns(
  rounds: number,
  ours: () => Promise<number>,
  baseline: () => Promise<number>,
): Promise<{ ours: number; baseline: number; ratio: number }> {
  const result = await alongside(rounds, ours, { baseline });
  return {
    ours: result.ours,
    baseline: result.baselines.baseline.value,
    ratio: result.baselines.baseline.ratio,
  };
}
