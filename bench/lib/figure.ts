/** One line of the results table: a figure beside its baseline, measured in the same run. */
export interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: number;
  target: string;
  /** Whether the target is met; absent when the figure has no target. */
  met?: boolean;
}

/**
 * How hard a figure measures: in full for the results table, or once with token counts in a smoke
 * run, which only proves that the figure still runs.
 */
export interface Effort {
  smoke: boolean;
}

/** What each bench/figures/<name>.ts exports: measures the figure and its baseline, returns its rows. */
export type Measure = (effort: Effort) => Promise<Row[]>;

/** `full` in a measured run, `smoke` in a smoke run. */
export const sized = <T>(effort: Effort, full: T, smoke: T): T => (effort.smoke ? smoke : full);

/** How many times a throughput figure is measured in turns with its baselines. */
export const rounds = (effort: Effort) => sized(effort, 4, 1);
/** The same, for figures cheap enough to measure in many short turns. */
export const shortRounds = (effort: Effort) => sized(effort, 11, 1);
