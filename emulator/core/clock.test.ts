import { describe, expect, it } from 'vitest';
import { RealClock, VirtualClock } from './clock.js';

describe('VirtualClock', () => {
  it('fires due timers in order, each at its own instant, and waits for the work they start', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-05T08:00:00Z'));
    const fired: string[] = [];
    const chain = () => {
      fired.push(`chain@${new Date(clock.now()).toISOString()}`);
      if (fired.length < 3) clock.setTimer(async () => chain(), 10_000);
    };
    clock.setTimer(() => {
      fired.push(`b@${new Date(clock.now()).toISOString()}`);
    }, 7_000);
    clock.setTimer(chain, 5_000);
    await clock.advanceBy(60_000);
    expect(fired).toEqual([
      'chain@2026-01-05T08:00:05.000Z',
      'b@2026-01-05T08:00:07.000Z',
      'chain@2026-01-05T08:00:15.000Z',
    ]);
    expect(new Date(clock.now()).toISOString()).toBe('2026-01-05T08:01:00.000Z');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('does not move backwards and cancels timers', async () => {
    const clock = new VirtualClock(1_000_000);
    const handle = clock.setTimer(() => {
      throw new Error('cancelled timer fired');
    }, 10);
    clock.clearTimer(handle);
    await clock.advanceBy(100);
    await expect(clock.advanceTo(0)).rejects.toThrow(/backwards/);
    await expect(clock.advanceBy(-1)).rejects.toThrow(/forward/);
    expect(clock.nextDueAt()).toBeUndefined();
  });
});

describe('RealClock', () => {
  it('fires a timer on its own as wall time passes', async () => {
    const clock = new RealClock();
    const fired = await new Promise<number>((resolve) => clock.setTimer(() => resolve(clock.now()), 5));
    expect(fired).toBeGreaterThan(0);
  });

  it('can be advanced: now jumps ahead and timers due on the way fire at once', async () => {
    const clock = new RealClock();
    const start = clock.now();
    let fired = false;
    clock.setTimer(() => {
      fired = true;
    }, 3_600_000);
    await clock.advanceBy(3_600_000);
    expect(fired).toBe(true);
    expect(clock.now() - start).toBeGreaterThanOrEqual(3_600_000);
    expect(clock.pendingTimers()).toBe(0);
  });
});
