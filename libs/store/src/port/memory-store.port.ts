import type { MemoryFilter, MemoryQuery, MemoryRecord } from '@memtrace/contracts';

/**
 * The storage port: one org's memories, in Arc or an embedded DuckDB. Every operation is scoped by
 * the filter's mandatory `orgId`. Failures are `StoreUnavailableError` (retry / 503) or
 * `StoreRejectedError` (dead-letter / 400).
 */
export interface MemoryStore {
  /**
   * True when a resolved `write` is already visible to every query (the embedded DuckDB commits
   * the batch before it resolves), so a writer need not confirm it; false when the store may only
   * have buffered the rows (Arc's 204) and `findVisibleIds` is how a writer learns they landed.
   * Anything not known to show its writes at once says false: a needless confirmation costs a
   * query, a skipped one could complete jobs whose rows are not readable yet.
   */
  readonly writesVisibleOnCommit: boolean;
  /** Appends the rows as one batch. Arc only buffers them: see `writesVisibleOnCommit`. */
  write(records: readonly MemoryRecord[]): Promise<void>;
  /** Rows matching the filter, ordered by (time, id) in `q.order`, paged by limit/offset. */
  query(q: MemoryQuery): Promise<MemoryRecord[]>;
  count(filter: MemoryFilter): Promise<number>;
  /** Counts per `memory_type`; types without rows are absent. */
  countByType(filter: MemoryFilter): Promise<Record<string, number>>;
  /**
   * Counts per time bucket of `bucketUs` (floored on µs since the epoch, so buckets are UTC-aligned)
   * and `memory_type`, with the `event_type = 'error'` memories among them; empty buckets are absent.
   */
  countByBucket(filter: MemoryFilter, bucketUs: number): Promise<BucketCount[]>;
  /**
   * Which of `ids` (of `orgId`, written with times in [minUs, maxUs] inclusive) are queryable now:
   * the worker's confirmation that a batch is visible where writes are not visible on commit.
   * One query, bounded by the batch's time range.
   */
  findVisibleIds(orgId: string, ids: readonly string[], minUs: number, maxUs: number): Promise<Set<string>>;
  /** Deletes the matching rows and returns how many went. Arc deletes flushed rows only. */
  delete(filter: MemoryFilter): Promise<number>;
  /** Resolves when the store answers; rejects with `StoreUnavailableError` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One (bucket, memory type) cell of `countByBucket`: distinct memories, as `count`. */
export interface BucketCount {
  /** The bucket's start, µs since the epoch, a multiple of the bucket size. */
  bucketUs: number;
  memoryType: string;
  count: number;
  /** Of `count`, the memories with `event_type = 'error'`. */
  errors: number;
}

/** Where an org's memories live: the data of a `store_bindings` row, token decrypted. */
export interface StoreBinding {
  kind: 'arc' | 'duckdb';
  /** Arc base URL (`http://arc:8000`), or for DuckDB a file path or `:memory:`. */
  url: string;
  /** Arc database (`x-arc-database`); unused by DuckDB. */
  database: string;
  /** Table / measurement name, `^[A-Za-z][A-Za-z0-9_]*$`. */
  measurement: string;
  /** Arc bearer token; omitted when Arc runs without auth. */
  token?: string;
}
