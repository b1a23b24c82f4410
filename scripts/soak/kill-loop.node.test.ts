import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../emulator/testing/cli.js';
import { parseSoakFlags, SoakFlagError } from './flags.js';
import { KillLoopLedger } from './kill-ledger.js';
import { killIntervals, runKillLoop } from './kill-loop.js';

describe('soak flags', () => {
  it('selects the kill loop with --kill-every, in minutes or seconds, and keeps the old flags', () => {
    expect(parseSoakFlags(['--kill-every', '10s', '--minutes', '3'])).toEqual({
      mode: 'kill-loop',
      seconds: 180,
      seed: 1,
      rate: 40,
      killEveryMs: 10_000,
      negativeControl: false,
    });
    expect(parseSoakFlags(['--kill-every', '500ms', '--seconds', '20', '--seed', '7'])).toMatchObject({
      mode: 'kill-loop',
      seconds: 20,
      seed: 7,
      killEveryMs: 500,
    });
    expect(parseSoakFlags(['--negative-control'])).toMatchObject({
      killEveryMs: 10_000,
      negativeControl: true,
    });
    expect(parseSoakFlags(['--rate', '20'], { SOAK_SECONDS: '30' })).toEqual({
      mode: 'soak',
      seconds: 30,
      seed: 1,
      rate: 20,
    });
  });

  it.each([
    [['--kill-every', '10']],
    [['--kill-every', '50ms']],
    [['--kill-every', 'soon']],
    [['--minutes', '1', '--seconds', '5']],
    [['--minutes', '0']],
    [['--seed', '-1']],
    [['--every', '10s']],
  ])('refuses %j', (argv) => {
    expect(() => parseSoakFlags(argv)).toThrow(SoakFlagError);
  });
});

describe('kill schedule', () => {
  it('jitters each interval between half and one and a half times --kill-every, the same for the same seed', () => {
    const draw = (seed: number) => {
      const next = killIntervals(seed, 10_000);
      return Array.from({ length: 50 }, () => next());
    };
    const intervals = draw(3);
    expect(draw(3)).toEqual(intervals);
    expect(draw(4)).not.toEqual(intervals);
    expect(Math.min(...intervals)).toBeGreaterThanOrEqual(5_000);
    expect(Math.max(...intervals)).toBeLessThanOrEqual(15_000);
    expect(new Set(intervals).size).toBeGreaterThan(40);
  });
});

describe('kill-loop ledger', () => {
  it('counts losses only for acknowledged changes, and duplicates and late arrivals apart', () => {
    const ledger = new KillLoopLedger();
    ledger.change({ marker: 'a', flowPaths: ['/f1', '/f2'], outcome: 'acknowledged', appointmentId: 'A' });
    ledger.change({ marker: 'b', flowPaths: ['/f1'], outcome: 'unacknowledged' });
    ledger.change({ marker: 'c', flowPaths: ['/f1'], outcome: 'unacknowledged' });
    ledger.change({ marker: 'd', flowPaths: ['/f1'], outcome: 'refused' });
    ledger.arrival('/f1', 'a', 'A', 503);
    ledger.arrival('/f1', 'a', 'A', 200);
    ledger.arrival('/f1', 'a', 'A', 200);
    ledger.arrival('/f1', 'b', 'B', 200);
    ledger.arrival('/f1', 'd', 'D', 200);
    expect(ledger.figures()).toEqual({
      changes: { sent: 4, acknowledged: 1, unacknowledged: 2, refused: 1 },
      expected: 2,
      delivered: 1,
      lost: 1,
      duplicates: 1,
      unacknowledgedArrived: 1,
      unexpected: 1,
      attempts: 5,
      refusedOnPurpose: 1,
    });
    expect(ledger.lostExamples()).toEqual(['/f2|a']);
    ledger.arrival('/f2', 'a', 'other', 200);
    expect(ledger.figures()).toMatchObject({ lost: 0, unexpected: 2 });
  });
});

/**
 * `npm run soak -- --kill-every 10s --minutes 3` shortened: the built CLI on a data dir, SIGKILLed
 * every ~2 s while Graph calls and deliveries are in flight, then the drain, the journal and
 * `PRAGMA integrity_check`; and its negative control, which must see a loss.
 */
describe('kill loop', { timeout: 60_000 }, () => {
  beforeAll(() => {
    if (!existsSync(cliPath))
      throw new Error(`${cliPath} is missing: run \`npm run build\` (npm test does it first).`);
  });

  it('loses nothing acknowledged across repeated SIGKILLs, and leaves the database intact', async () => {
    const report = await runKillLoop({
      seconds: 20,
      seed: 5,
      rate: 30,
      killEveryMs: 2_000,
      negativeControl: false,
      mailboxes: 2,
    });
    expect(report.problems, report.summary).toEqual([]);
    expect(report.kills.length, report.summary).toBeGreaterThanOrEqual(5);
    const { figures } = report;
    expect(figures.changes.acknowledged, report.summary).toBeGreaterThan(100);
    expect(figures.lost).toBe(0);
    expect(figures.delivered).toBe(figures.expected);
    expect(figures.duplicates).toBeLessThanOrEqual(report.duplicateBound);
    expect(report.journal).toMatchObject({ missing: 0, unsettled: 0, failed: 0 });
    expect(report.journal?.checked).toBe(figures.expected);
    expect(report.stopCode).toBe(0);
    expect(report.integrity).toBe('ok');
    expect(report.summary).toMatch(/^lost\s+0$/m);
  });

  it('negative control: without --data-dir a kill loses the queue, and the run says so', async () => {
    const report = await runKillLoop({
      seconds: 8,
      seed: 6,
      rate: 30,
      killEveryMs: 2_000,
      negativeControl: true,
      mailboxes: 2,
      drainSeconds: 3,
    });
    expect(report.kills.length, report.summary).toBeGreaterThan(0);
    expect(report.figures.lost, report.summary).toBeGreaterThan(0);
    expect(report.problems.some((problem) => /acknowledged events lost/.test(problem))).toBe(true);
    expect(report.journal?.missing).toBeGreaterThan(0);
  });
});
