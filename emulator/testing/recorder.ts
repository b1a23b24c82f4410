/**
 * A list that grows as things happen (requests, attempts, settled deliveries) and that a test can
 * wait on instead of sleeping: `waitFor(3)` resolves once three have been seen.
 */
export class Recorder<T> {
  private readonly waiters: Array<{ done: (seen: T[]) => boolean; resolve: () => void }> = [];

  /** `noun` names what is recorded in a timeout message ("expected 3 attempts, got 1 attempts ..."). */
  constructor(
    private readonly noun: string,
    readonly seen: T[] = [],
  ) {}

  push(item: T): void {
    this.seen.push(item);
    for (const waiter of [...this.waiters]) {
      if (waiter.done(this.seen)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** Resolves once `count` have been seen; rejects after `timeoutMs` saying how many were. */
  waitFor(count: number, timeoutMs = 10_000): Promise<T[]> {
    return this.waitUntil((seen) => seen.length >= count, `${count} ${this.noun}`, timeoutMs);
  }

  /** Resolves once what has been seen satisfies `done`; rejects after `timeoutMs`. */
  waitUntil(done: (seen: T[]) => boolean, what: string, timeoutMs = 10_000): Promise<T[]> {
    if (done(this.seen)) return Promise.resolve(this.seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`expected ${what}, got ${this.seen.length} ${this.noun} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.seen);
        },
      });
    });
  }
}
