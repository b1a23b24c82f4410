import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliEntryPath } from '../emulator/core/paths.js';
import { figures, runFigures } from './lib/run-figures.js';

/**
 * `tsx bench/run.ts --smoke` in process: every figure once, with token counts, so the bench cannot
 * rot unseen. It checks that each figure runs and reports, never a target or a speed.
 */
describe('bench smoke', { timeout: 120_000 }, () => {
  it('runs every figure once without crashing, each reporting at least one row', async () => {
    // startup and scenario spawn the built CLI.
    expect(existsSync(cliEntryPath), `${cliEntryPath} is missing: npm run build first`).toBe(true);
    const { rows, crashed } = await runFigures([], { smoke: true });
    expect(crashed.map(({ name, error }) => `${name}: ${String(error)}`)).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(figures.length);
    for (const row of rows) {
      expect(row.value, row.figure).not.toBe('');
      expect(Number.isFinite(row.ratio), `${row.figure}: ratio ${row.ratio}`).toBe(true);
    }
    // The relay baseline and the scale figure are in the table.
    expect(rows.filter((row) => row.baseline.includes('relay')).length).toBeGreaterThanOrEqual(4);
    expect(rows.some((row) => row.figure.includes('mailboxes × 5 flows'))).toBe(true);
  });
});
