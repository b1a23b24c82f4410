/**
 * Time for everything that waits: retries, appointment timestamps, token expiry (docs/contract.md (The callback)
 * policy: "on a clock that tests can advance"). Both clocks can be advanced, firing every timer
 * that falls due on the way at its own instant; the real one also moves by itself.
 */
export interface TimerHandle {
  readonly id: number;
}

type TimerCallback = () => void | Promise<void>;

export interface Clock {
  readonly mode: 'real' | 'virtual';
  now(): number;
  /**
   * Runs `callback` after `delayMs`. While advancing, the clock waits for the promise a callback
   * returns before it moves on, so a retry started on the way finishes at its own instant.
   */
  setTimer(callback: TimerCallback, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  pendingTimers(): number;
  /** When the next timer falls due, if any. */
  nextDueAt(): number | undefined;
  /** Cancels every pending timer; used when the app closes or resets. */
  clearAll(): void;
  advanceBy(ms: number): Promise<void>;
  advanceTo(epochMs: number): Promise<void>;
}

interface ScheduledTimer {
  id: number;
  dueAt: number;
  callback: TimerCallback;
}

abstract class AdvanceableClock implements Clock {
  abstract readonly mode: 'real' | 'virtual';
  protected readonly timers = new Map<number, ScheduledTimer>();
  private nextId = 1;
  /** Advances are serialised: a second one waits for the first. */
  private advancing: Promise<void> = Promise.resolve();

  abstract now(): number;
  /** Moves this clock's notion of now (forward only). */
  protected abstract moveTo(epochMs: number): void;
  protected onScheduled(_timer: ScheduledTimer): void {}
  protected onRemoved(_timer: ScheduledTimer): void {}

  setTimer(callback: TimerCallback, delayMs: number): TimerHandle {
    const timer: ScheduledTimer = { id: this.nextId++, dueAt: this.now() + Math.max(0, delayMs), callback };
    this.timers.set(timer.id, timer);
    this.onScheduled(timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    const timer = this.timers.get(handle.id);
    if (!timer) return;
    this.timers.delete(handle.id);
    this.onRemoved(timer);
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  nextDueAt(): number | undefined {
    let earliest: number | undefined;
    for (const timer of this.timers.values())
      if (earliest === undefined || timer.dueAt < earliest) earliest = timer.dueAt;
    return earliest;
  }

  clearAll(): void {
    for (const timer of this.timers.values()) this.onRemoved(timer);
    this.timers.clear();
  }

  /** Fires one timer now; the real clock's own timeouts come through here too. */
  protected fire(timer: ScheduledTimer): void | Promise<void> {
    if (!this.timers.delete(timer.id)) return;
    this.onRemoved(timer);
    return timer.callback();
  }

  advanceBy(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(new RangeError('the clock only moves forward by a finite amount'));
    }
    const run = this.advancing.then(() => this.advanceFrom(ms));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  advanceTo(epochMs: number): Promise<void> {
    const distance = epochMs - this.now();
    if (distance < 0) return Promise.reject(new RangeError('the clock cannot move backwards'));
    return this.advanceBy(distance);
  }

  private async advanceFrom(ms: number): Promise<void> {
    const target = this.now() + ms;
    for (;;) {
      let next: ScheduledTimer | undefined;
      for (const timer of this.timers.values()) {
        if (
          timer.dueAt <= target &&
          (!next || timer.dueAt < next.dueAt || (timer.dueAt === next.dueAt && timer.id < next.id))
        ) {
          next = timer;
        }
      }
      if (!next) break;
      if (next.dueAt > this.now()) this.moveTo(next.dueAt);
      await this.fire(next);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (target > this.now()) this.moveTo(target);
  }
}

/** Wall-clock time plus whatever it has been advanced by; timers also fire on their own. */
export class RealClock extends AdvanceableClock {
  readonly mode = 'real' as const;
  private offsetMs = 0;
  private readonly timeouts = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  protected moveTo(epochMs: number): void {
    this.offsetMs += Math.max(0, epochMs - this.now());
    // Timers keep their due instants; re-arm them against the new offset.
    for (const timer of this.timers.values()) {
      this.onRemoved(timer);
      this.onScheduled(timer);
    }
  }

  protected override onScheduled(timer: ScheduledTimer): void {
    const timeout = setTimeout(() => void this.fire(timer), Math.max(0, timer.dueAt - this.now()));
    // A pending retry must not keep a test process alive; the HTTP server keeps the CLI alive.
    timeout.unref();
    this.timeouts.set(timer.id, timeout);
  }

  protected override onRemoved(timer: ScheduledTimer): void {
    clearTimeout(this.timeouts.get(timer.id));
    this.timeouts.delete(timer.id);
  }
}

/** Time that moves only when advanced: deterministic runs, hours of retries in milliseconds. */
export class VirtualClock extends AdvanceableClock {
  readonly mode = 'virtual' as const;
  private current: number;

  constructor(startMs: number) {
    super();
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  protected moveTo(epochMs: number): void {
    this.current = Math.max(this.current, epochMs);
  }
}
