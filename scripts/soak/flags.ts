import { parseArgs } from 'node:util';

/** What `npm run soak` was asked to do: the flaky-receiver soak, or the kill loop. */
export type SoakCommand =
  | { mode: 'soak'; seconds: number; seed: number; rate: number }
  | {
      mode: 'kill-loop';
      seconds: number;
      seed: number;
      rate: number;
      killEveryMs: number;
      /** Runs the emulator without --data-dir, so a kill loses its queue: the run must report a loss. */
      negativeControl: boolean;
    };

/** A flag the soak cannot use; `npm run soak` exits 2 with its message. */
export class SoakFlagError extends Error {}

export const soakUsage =
  'flags: --seconds N | --minutes N, --seed N, --rate N, --kill-every DURATION (e.g. 10s, 500ms), --negative-control';

const defaultSeconds = 300;
const defaultKillEveryMs = 10_000;
/** Below this an emulator barely finishes starting before the next kill, and carries no load. */
const shortestKillEveryMs = 200;

function whole(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new SoakFlagError(`--${name} must be a whole number of at least 1, got "${value}"`);
  return Number(value);
}

function positive(name: string, value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0)
    throw new SoakFlagError(`--${name} must be a number above 0, got "${value}"`);
  return Number(value);
}

/** `500ms`, `10s`, `1.5s`, `2m` as milliseconds. */
function parseDuration(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!match?.[1] || !match[2])
    throw new SoakFlagError(`--${name} must be a duration such as 10s or 500ms, got "${text}"`);
  const ms = Number(match[1]) * { ms: 1, s: 1_000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
  if (ms < shortestKillEveryMs)
    throw new SoakFlagError(`--${name} must be at least ${shortestKillEveryMs}ms, got "${text}"`);
  return Math.round(ms);
}

/**
 * The soak's flags. `--seconds`, `--seed` and `--rate` also come from `SOAK_SECONDS`, `SOAK_SEED`
 * and `SOAK_RATE` (a flag wins). `--kill-every` or `--negative-control` selects the kill loop
 * (a kill every 10 s unless told).
 */
export function parseSoakFlags(argv: string[], env: NodeJS.ProcessEnv = {}): SoakCommand {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: argv,
      options: {
        seconds: { type: 'string' },
        minutes: { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        'kill-every': { type: 'string' },
        'negative-control': { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new SoakFlagError((error as Error).message);
  }
  const text = (name: string, variable: string): string | undefined => {
    const value = flags[name];
    return typeof value === 'string' ? value : env[variable];
  };
  if (typeof flags.minutes === 'string' && typeof flags.seconds === 'string')
    throw new SoakFlagError('give --seconds or --minutes, not both');
  const seconds =
    typeof flags.minutes === 'string'
      ? Math.max(1, Math.round(positive('minutes', flags.minutes) * 60))
      : whole('seconds', text('seconds', 'SOAK_SECONDS'), defaultSeconds);
  const seed = whole('seed', text('seed', 'SOAK_SEED'), 1);
  const rate = whole('rate', text('rate', 'SOAK_RATE'), 40);
  const killEvery = typeof flags['kill-every'] === 'string' ? flags['kill-every'] : undefined;
  const negativeControl = flags['negative-control'] === true;
  if (killEvery === undefined && !negativeControl) return { mode: 'soak', seconds, seed, rate };
  return {
    mode: 'kill-loop',
    seconds,
    seed,
    rate,
    killEveryMs: killEvery === undefined ? defaultKillEveryMs : parseDuration('kill-every', killEvery),
    negativeControl,
  };
}
