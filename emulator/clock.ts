/**
 * Time for everything that waits: retries, appointment timestamps, token expiry. The virtual clock
 * lets tests and scenarios move through hours of retries instantly (CONTRACT.md §3 policy).
 */
export interface TimerHandle {
  readonly id: number;
}

export type TimerCallback = () => void | Promise<void>;

export interface Clock {
  readonly mode: 'real' | 'virtual';
  now(): number;
  /**
   * Runs `callback` after `delayMs`. A virtual clock waits for the promise a callback returns
   * before it moves on, so a retry started on the way finishes at its own instant.
   */
  setTimer(callback: TimerCallback, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  pendingTimers(): number;
  /** Cancels every pending timer; used when the app closes or resets. */
  clearAll(): void;
}

export class RealClock implements Clock {
  readonly mode = 'real' as const;
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        callback();
      },
      Math.max(0, delayMs),
    );
    // A pending retry must not keep a test process alive; the HTTP server keeps the CLI alive.
    timer.unref();
    this.timers.set(id, timer);
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    clearTimeout(this.timers.get(handle.id));
    this.timers.delete(handle.id);
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  clearAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

interface VirtualTimer {
  id: number;
  dueAt: number;
  callback: TimerCallback;
}

export class VirtualClock implements Clock {
  readonly mode = 'virtual' as const;
  private current: number;
  private nextId = 1;
  private timers: VirtualTimer[] = [];

  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(callback: TimerCallback, delayMs: number): TimerHandle {
    const timer = { id: this.nextId++, dueAt: this.current + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle.id);
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  clearAll(): void {
    this.timers = [];
  }

  /**
   * Moves time forward, firing every timer that falls due on the way, in due order, each at its
   * own instant. Awaits each callback's promise (a delivery attempt) and then a macrotask, so the
   * follow-ups it schedules are counted from its instant and fire within the same advance.
   */
  async advanceBy(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('the clock only moves forward by a finite amount');
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((timer) => timer.dueAt <= target)
        .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
      const next = due[0];
      if (!next) break;
      this.timers = this.timers.filter((timer) => timer.id !== next.id);
      this.current = Math.max(this.current, next.dueAt);
      await next.callback();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.current = target;
  }

  async advanceTo(epochMs: number): Promise<void> {
    if (epochMs < this.current) throw new RangeError('the clock cannot move backwards');
    await this.advanceBy(epochMs - this.current);
  }
}
