// The embedded DuckDB behind the double. All statements run one at a time through a single
// connection: a flush, a delete and a query must never interleave, or a query could see half
// a flush (Arc's file writes are atomic renames, so it never can).
import { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';

export interface QueryRows {
  columnNames: string[];
  columnTypes: DuckDBType[];
  rows: DuckDBValue[][];
}

export class DuckdbStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckdbStore> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // Arc's DuckDB runs in UTC; `time` is TIMESTAMPTZ and NOW() comparisons depend on it.
    await connection.run("SET TimeZone='UTC'");
    return new DuckdbStore(instance, connection);
  }

  /** Runs `work` after every earlier piece of work has finished. */
  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const result = this.queue.then(() => work(this.connection));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs one statement inside an exclusive section the caller already holds. */
  static async read(connection: DuckDBConnection, sql: string): Promise<QueryRows> {
    const reader = await connection.runAndReadAll(sql);
    return { columnNames: reader.columnNames(), columnTypes: reader.columnTypes(), rows: reader.getRows() };
  }

  async close(): Promise<void> {
    await this.queue;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A DuckDB identifier, quoted so any msgpack column name is usable and case is kept. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
