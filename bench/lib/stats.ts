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
 * Measures `ours` and `baseline` in turns, `rounds` times, each going first every other round, so
 * that a slow spell of a shared machine (or the garbage an earlier figure left) falls on both;
 * returns the median of each and the median of the per-round ratios.
 */
export async function inTurns(
  rounds: number,
  ours: () => Promise<number>,
  baseline: () => Promise<number>,
): Promise<{ ours: number; baseline: number; ratio: number }> {
  const pairs: Array<[number, number]> = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const value = await ours();
      pairs.push([value, await baseline()]);
    } else {
      const base = await baseline();
      pairs.push([await ours(), base]);
    }
  }
  return {
    ours: median(pairs.map(([value]) => value)),
    baseline: median(pairs.map(([, value]) => value)),
    ratio: median(pairs.map(([value, base]) => value / base)),
  };
}
