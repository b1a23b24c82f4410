import { describe, expect, it } from 'vitest';
import { runSoak } from '../scripts/soak/run.js';

/**
 * `npm run soak` shortened to seconds, on the same code path: the built emulator as a child process,
 * the flaky receiver, the load, the drain and the verdict. The five-minute run stays out of CI.
 */
describe('mini-soak', { timeout: 120_000 }, () => {
  it('loses nothing under flaky delivery, and leaves memory and descriptors within bounds', async () => {
    const result = await runSoak({ seconds: 6, rate: 30, mailboxes: 2, seed: 3, drainSeconds: 40 });
    expect(result.problems, result.report).toEqual([]);
    const { deliveries, resources } = result.outcome;
    expect(deliveries.sent, result.report).toBeGreaterThan(40);
    expect(deliveries.delivered).toBe(deliveries.sent);
    expect(deliveries.lost).toBe(0);
    // The receiver really did refuse, and the emulator really did retry.
    expect(deliveries.refusedOnPurpose).toBeGreaterThan(0);
    expect(deliveries.attempts).toBeGreaterThan(deliveries.delivered);
    expect(resources.start.openFds).toBeGreaterThan(0);
    expect(resources.end.heapUsedBytes).toBeGreaterThan(0);
    expect(result.report).toMatch(/lost\s+0/);
  });

  it('reports a loss when deliveries fail for good, so a lost event cannot pass unseen', async () => {
    const result = await runSoak({
      seconds: 3,
      rate: 30,
      mailboxes: 2,
      seed: 4,
      drainSeconds: 2,
      retryPolicy: 'none',
      receiver: { failureRate: 0.5, maxFailuresPerDelivery: 1 },
    });
    expect(result.outcome.deliveries.lost, result.report).toBeGreaterThan(0);
    expect(result.problems.some((problem) => /events lost/.test(problem))).toBe(true);
  });
});
