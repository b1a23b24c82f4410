import type { ScenarioResult } from '../results.js';
import type { StepStarted } from '../runner.js';
import { statusMark } from './scenario-lines.js';

/** Where progress goes: standard error, so that `--reporter json > file` stays clean. */
export interface ProgressStream {
  write(text: string): unknown;
  /** Set on a terminal: the live line is cut to fit. */
  columns?: number;
}

/** What `run` tells while it runs, scenario by scenario. */
export interface RunProgress {
  /** Scenario `index` (0-based) of the run starts; `label` names it (with its variant), `steps` it has. */
  starting(index: number, label: string, steps: number): void;
  step(step: StepStarted): void;
  finished(result: ScenarioResult): void;
  /** The run is over: nothing is left on the line. */
  close(): void;
}

/** 45ms, 2.4s, 3m05s: as long as a person reads it at a glance. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
}

/** The scenario's label in progress lines: its name, and its variant in a matrix run. */
export function runLabel(name: string, variant?: string): string {
  return variant === undefined ? name : `${name} [${variant}]`;
}

/** How often the live line is drawn again, at most, and at least (so the time keeps moving). */
const redrawMs = 100;
const tickMs = 500;

/**
 * On a terminal: one line, drawn over and over, with the scenario (n of N), the step running and
 * the time the scenario has taken so far; it is cleared when the run ends.
 */
export function liveProgress(stream: ProgressStream, total: number, now = () => Date.now()): RunProgress {
  let text = '';
  let startedAt = now();
  let drawnAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    drawnAt = now();
    const line = `${text} · ${formatDuration(drawnAt - startedAt)}`;
    const width = (stream.columns ?? 0) - 1;
    stream.write(`\r${width > 0 && line.length > width ? line.slice(0, width) : line}\u001b[K`);
  };
  let heading = '';
  let steps = 0;
  return {
    starting(index, label, stepCount) {
      startedAt = now();
      heading = `[${index + 1}/${total}] ${label}`;
      steps = stepCount;
      text = `${heading}: starting`;
      draw();
      timer ??= setInterval(draw, tickMs).unref();
    },
    step(step) {
      text = `${heading}: step ${step.step} of ${steps}, ${step.verb} (line ${step.line})`;
      if (now() - drawnAt >= redrawMs) draw();
    },
    finished() {
      stream.write('\r\u001b[K');
    },
    close() {
      clearInterval(timer);
      stream.write('\r\u001b[K');
    },
  };
}

/** Why a finished scenario did not pass, in a few words: its first failure, its error or its skip reason. */
function outcome(result: ScenarioResult): string {
  const failure = result.failures[0];
  if (failure)
    return `: step ${failure.step} ${failure.verb} at ${result.file}:${failure.line}:${failure.col}: ${failure.message}`;
  if (result.error) return `: ${result.error}`;
  if (result.skipReason) return `: skipped: ${result.skipReason}`;
  return '';
}

/**
 * In CI, or when the output goes to a file: one line per scenario as it finishes, with its
 * verdict and time, so a long run shows it is moving and a log shows where the time went.
 */
export function lineProgress(stream: ProgressStream, total: number): RunProgress {
  let index = 0;
  let label = '';
  return {
    starting(at, name) {
      index = at;
      label = name;
    },
    step() {},
    finished(result) {
      const time = formatDuration(result.durationMs ?? 0);
      stream.write(
        `[${index + 1}/${total}] ${statusMark(result)} ${label} (${result.file}) ${time}${outcome(result)}\n`,
      );
    },
    close() {},
  };
}
