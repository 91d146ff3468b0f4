import type { MemoryFilter, MemoryQuery, MemoryRecord } from '@memtrace/contracts';
import { normalizeFilterText } from '../filter/filter-text.util';
import type { BucketCount, MemoryStore } from '../port/memory-store.port';
import { fromStoredRow } from '../schema/memory-row.mapper';
import { MemorySqlBuilder } from './memory-sql.builder';

/**
 * The read half of the port, shared by both adapters: Arc and the embedded DuckDB speak the same
 * SQL (one builder) and both hand back rows keyed by column name. An adapter supplies `rows` and
 * the writes; everything else is here once.
 */
export abstract class SqlMemoryStore implements MemoryStore {
  protected constructor(protected readonly sql: MemorySqlBuilder) {}

  abstract readonly writesVisibleOnCommit: boolean;

  /** Runs one SELECT and returns its rows keyed by column name. */
  protected abstract rows(sql: string): Promise<Record<string, unknown>[]>;

  abstract write(records: readonly MemoryRecord[]): Promise<void>;
  abstract delete(filter: MemoryFilter): Promise<number>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;

  /** Maps stored rows to records; an adapter may translate mapping failures into its own errors. */
  protected toRecords(rows: Record<string, unknown>[]): MemoryRecord[] {
    return rows.map(fromStoredRow);
  }

  async query(q: MemoryQuery): Promise<MemoryRecord[]> {
    return this.toRecords(await this.rows(this.sql.select(q)));
  }

  async count(filter: MemoryFilter): Promise<number> {
    const [row] = await this.rows(this.sql.count(filter));
    return row === undefined ? 0 : Number(row.cnt);
  }

  async countByType(filter: MemoryFilter): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const row of await this.rows(this.sql.countByType(filter))) counts[String(row.memory_type ?? '')] = Number(row.cnt);
    return counts;
  }

  async countByBucket(filter: MemoryFilter, bucketUs: number): Promise<BucketCount[]> {
    return (await this.rows(this.sql.countByBucket(filter, bucketUs))).map((row) => ({
      bucketUs: Number(row.bucket_us),
      memoryType: String(row.memory_type ?? ''),
      count: Number(row.cnt),
      errors: Number(row.error_cnt),
    }));
  }

  async findVisibleIds(orgId: string, ids: readonly string[], minUs: number, maxUs: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const wanted = new Set(ids.map(normalizeFilterText)); // as the SQL literal has them
    const rows = await this.rows(this.sql.visibleIds(orgId, ids, minUs, maxUs));
    return new Set(rows.map((row) => String(row.id)).filter((id) => wanted.has(id)));
  }
}
