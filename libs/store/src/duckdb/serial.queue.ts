/**
 * Runs tasks one at a time, in arrival order. A DuckDB connection must not run two statements at
 * once, and a write's BEGIN / append / COMMIT must not interleave with another statement.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
