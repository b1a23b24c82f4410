/** One line of the results table: a figure beside its baseline, measured in the same run. */
export interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: number;
  target: string;
  met: boolean;
}

/** What each bench/figures/<name>.ts exports: measures the figure and its baseline, returns its rows. */
export type Measure = () => Promise<Row[]>;

/** Each throughput figure is measured this many times in turns with its baseline. */
export const rounds = 4;
/** The same, for figures cheap enough to measure in many short turns. */
export const shortRounds = 11;
