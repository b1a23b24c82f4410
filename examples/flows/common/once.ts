/**
 * Runs each piece of work at most once per key: a second call with the same key while the first
 * runs waits for it, and after it succeeded resolves with its result without running again. A
 * failed run is forgotten, so the retry that follows does the work. Keeps the last `limit` keys.
 *
 * This is the flow's idempotency store. A real flow keeps it in a table (Dataverse, a SharePoint
 * list) keyed the same way; here it lives in memory, and `clear()` empties it between tests.
 */
export class Once<T> {
  private readonly runs = new Map<string, Promise<T>>();

  constructor(private readonly limit = 10_000) {}

  run(key: string, work: () => Promise<T>): Promise<T> {
    const known = this.runs.get(key);
    if (known) return known;
    const running = work().catch((error: unknown) => {
      this.runs.delete(key);
      throw error;
    });
    this.runs.set(key, running);
    if (this.runs.size > this.limit) {
      const oldest = this.runs.keys().next().value;
      if (oldest !== undefined) this.runs.delete(oldest);
    }
    return running;
  }

  /** The result of the work for `key` when it ran to success or is running; undefined otherwise. */
  get(key: string): Promise<T> | undefined {
    return this.runs.get(key);
  }

  /** Forgets `key`: the next run does the work again. */
  forget(key: string): void {
    this.runs.delete(key);
  }

  clear(): void {
    this.runs.clear();
  }
}
