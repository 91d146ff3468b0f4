import { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { MemoryFilter, MemoryRecord } from '@memtrace/contracts';
import { StoreRejectedError, StoreUnavailableError, type StoreError } from '../port/store.exception';
import { toMemoryColumns } from '../schema/memory-row.mapper';
import { MEMORY_COLUMNS } from '../schema/memory.columns';
import { MemorySqlBuilder } from '../sql/memory-sql.builder';
import { SqlMemoryStore } from '../sql/sql-memory.store';
import { stringLiteral } from '../sql/sql-literal.util';
import { COLUMN_DDL, toDataChunks } from './duckdb-chunk.mapper';
import { SerialQueue } from './serial.queue';

/**
 * Every connection's session settings. UTC so TIMESTAMPTZ values read back as written. Late
 * materialization off: for `ORDER BY time DESC LIMIT n` with n up to 50 (recall's default) DuckDB
 * otherwise plans a Top-N plus a join back to the table, which scans it twice; without an index
 * that is 20–35% slower than one scan (npm run bench:read, 1M and 10M rows).
 */
export const DUCKDB_SESSION_SETTINGS = [`SET TimeZone = 'UTC'`, 'SET late_materialization_max_rows = 0'] as const;

export interface DuckDbStoreOptions {
  /** A database file, created if missing, or `:memory:`. One process may own a file. */
  path: string;
  measurement: string;
}

/**
 * The store port on an embedded DuckDB (standalone mode): one table named after the measurement,
 * the same SQL as Arc, writes through the data-chunk appender inside a transaction so a batch lands
 * whole or not at all. No ART index: appends arrive in time order, so DuckDB's per-row-group min/max
 * zone maps already prune `time` ranges, and an index would slow every append.
 */
export class DuckDbMemoryStore extends SqlMemoryStore {
  /** `write` resolves after its COMMIT, and every read runs on this same connection after it. */
  readonly writesVisibleOnCommit = true;
  private readonly queue = new SerialQueue();
  /**
   * One appender for every write instead of one per batch (each creation looks the table up in
   * the catalog). It holds no rows between writes: each write flushes it before COMMIT. Dropped
   * after a failed write, because DuckDB invalidates an appender whose flush failed.
   */
  private appender?: DuckDBAppender;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    sql: MemorySqlBuilder,
  ) {
    super(sql);
  }

  static async open(options: DuckDbStoreOptions): Promise<DuckDbMemoryStore> {
    const sql = new MemorySqlBuilder(options.measurement);
    let instance: DuckDBInstance;
    let connection: DuckDBConnection;
    try {
      instance = await DuckDBInstance.create(options.path);
      connection = await instance.connect();
    } catch (err) {
      throw new StoreUnavailableError(`cannot open DuckDB at ${options.path}: ${messageOf(err)}`, { cause: err });
    }
    try {
      for (const setting of DUCKDB_SESSION_SETTINGS) await connection.run(setting);
      await connection.run(`CREATE TABLE IF NOT EXISTS ${sql.measurement} (${COLUMN_DDL})`);
      await assertColumnLayout(connection, sql.measurement);
    } catch (err) {
      connection.closeSync();
      instance.closeSync();
      throw toStoreError(err);
    }
    return new DuckDbMemoryStore(instance, connection, sql);
  }

  async write(records: readonly MemoryRecord[]): Promise<void> {
    if (records.length === 0) return;
    const columns = toMemoryColumns(records);
    await this.exclusive(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const appender = (this.appender ??= await this.connection.createAppender(this.sql.measurement));
        for (const chunk of toDataChunks(columns, records.length)) appender.appendDataChunk(chunk);
        // A flush appends to the connection's open transaction (so do the appender's own flushes
        // every 100 chunks): the batch becomes visible at COMMIT, whole, or goes with ROLLBACK.
        appender.flushSync();
        await this.connection.run('COMMIT');
      } catch (err) {
        // Before the ROLLBACK: closing an appender flushes what it still holds, and after the
        // ROLLBACK that flush would auto-commit part of the failed batch.
        this.dropAppender();
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async delete(filter: MemoryFilter): Promise<number> {
    const sql = `DELETE FROM ${this.sql.measurement} WHERE ${this.sql.where(filter)}`;
    return this.exclusive(async () => (await this.connection.run(sql)).rowsChanged);
  }

  async ping(): Promise<void> {
    await this.rows('SELECT 1 AS ok');
  }

  async close(): Promise<void> {
    await this.queue.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.dropAppender(); // before its connection: the native appender refers to it
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }

  protected rows(sql: string): Promise<Record<string, unknown>[]> {
    return this.exclusive(async () => (await this.connection.runAndReadAll(sql)).getRowObjects());
  }

  /** Discards the rows the appender holds, if any, and closes it; the next write creates another. */
  private dropAppender(): void {
    const appender = this.appender;
    this.appender = undefined;
    try {
      appender?.clear();
      appender?.closeSync();
    } catch {
      // An invalidated appender may refuse to close; the error worth reporting is the write's.
    }
  }

  /** Serialises on the connection and maps DuckDB failures to the port's errors. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      if (this.closed) throw new StoreUnavailableError('the DuckDB store is closed');
      try {
        return await task();
      } catch (err) {
        throw toStoreError(err);
      }
    });
  }
}

/** An existing table must have exactly our columns in our order: the appender writes by position. */
async function assertColumnLayout(connection: DuckDBConnection, table: string): Promise<void> {
  const reader = await connection.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns ` +
      `WHERE table_schema = 'main' AND lower(table_name) = lower(${stringLiteral(table)}) ORDER BY ordinal_position`,
  );
  const actual = reader.getRowObjects().map((row) => `${String(row.column_name)} ${String(row.data_type)}`);
  const expected = MEMORY_COLUMNS.map((column) => `${column.name} ${column.sql === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : column.sql}`);
  if (actual.join(', ') !== expected.join(', ')) {
    throw new StoreRejectedError(`table ${table} has columns (${actual.join(', ')}), expected (${expected.join(', ')})`);
  }
}

/** IO and resource failures may pass; anything else is a statement or value DuckDB will never accept. */
function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreRejectedError || err instanceof StoreUnavailableError) return err;
  const message = messageOf(err);
  if (/^(IO|Out of Memory|Interrupt|Connection|FATAL|Fatal) Error|database has been invalidated/i.test(message)) {
    return new StoreUnavailableError(`DuckDB: ${message}`, { cause: err });
  }
  return new StoreRejectedError(`DuckDB: ${message}`, { cause: err });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
