import type { MemoryFilter, MemoryQuery } from '@memtrace/contracts';
import { MEMORY_COLUMN_NAMES } from '../schema/memory.columns';
import { measurementIdentifier } from './measurement-name.util';
import { buildMemoryWhere, inClause } from './memory-where.builder';
import { countLiteral, refuse, requireText, stringLiteral, timestampLiteral } from './sql-literal.util';

/** Arc refuses SQL longer than this (reference/arc.md §3.4). */
export const ARC_MAX_SQL_LENGTH = 10_000;

const SELECT_LIST = MEMORY_COLUMN_NAMES.join(', ');

/**
 * The store's SQL, in the DuckDB dialect both adapters speak. The measurement is the only identifier
 * taken from configuration and is checked once here; everything else is a fixed column name or a
 * literal from `sql-literal.util.ts`. Aggregates are aliased `cnt`, since Arc returns DuckDB's own
 * column names (`count_star()`) otherwise.
 */
export class MemorySqlBuilder {
  readonly measurement: string;

  constructor(measurement: string) {
    this.measurement = measurementIdentifier(measurement);
  }

  /** The predicate alone, e.g. for Arc's delete endpoint, which takes it without `WHERE`. */
  where(filter: MemoryFilter): string {
    return buildMemoryWhere(filter);
  }

  select(q: MemoryQuery): string {
    if (typeof q !== 'object' || q === null) refuse('query must be an object');
    if (q.order !== 'asc' && q.order !== 'desc') refuse('order must be asc or desc');
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const limit = countLiteral(q.limit, 'limit');
    const offset = countLiteral(q.offset ?? 0, 'offset');
    return (
      `SELECT ${SELECT_LIST} FROM ${this.measurement} WHERE ${this.where(q.filter)} ` +
      `ORDER BY time ${dir}, id ${dir} LIMIT ${limit} OFFSET ${offset}`
    );
  }

  /** Memories, not rows: a row a retried batch stored twice (Arc has no unique key) counts once. */
  count(filter: MemoryFilter): string {
    return `SELECT COUNT(DISTINCT id) AS cnt FROM ${this.measurement} WHERE ${this.where(filter)}`;
  }

  /** Per type, memories as in `count` (a copy always has its original's type). */
  countByType(filter: MemoryFilter): string {
    return `SELECT memory_type, COUNT(DISTINCT id) AS cnt FROM ${this.measurement} WHERE ${this.where(filter)} GROUP BY memory_type`;
  }

  /**
   * Per bucket of `bucketUs` and type, memories as in `count`, and how many of them are errors.
   * The bucket is integer arithmetic on `epoch_us(time)`, not `time_bucket()`: Arc rewrites
   * `time_bucket(INTERVAL '1 hour', time)` into `epoch(time)::BIGINT` arithmetic, which rounds to
   * the nearest second (reference/arc.md §3.2), so a memory at 13:59:59.6 would count in the 14:00
   * bucket on Arc and in 13:00 on DuckDB and in the hot tier. `us - ((us % n) + n) % n` is the same
   * exact floor everywhere (DuckDB's `%` and `//` truncate towards zero, hence the double modulo for
   * times before 1970), and `countRecordsByBucket` is its twin for the hot tier.
   */
  countByBucket(filter: MemoryFilter, bucketUs: number): string {
    if (typeof bucketUs !== 'number' || !Number.isSafeInteger(bucketUs) || bucketUs < 1) refuse('bucketUs must be a positive integer');
    const bucket = `epoch_us(time) - ((epoch_us(time) % ${bucketUs}) + ${bucketUs}) % ${bucketUs}`;
    return (
      `SELECT ${bucket} AS bucket_us, memory_type, COUNT(DISTINCT id) AS cnt, ` +
      `COUNT(DISTINCT CASE WHEN event_type = 'error' THEN id END) AS error_cnt ` +
      `FROM ${this.measurement} WHERE ${this.where(filter)} GROUP BY bucket_us, memory_type ORDER BY bucket_us, memory_type`
    );
  }

  /**
   * Ids of `orgId` with `minUs <= time <= maxUs`, narrowed to `ids` when the list fits in Arc's SQL
   * length limit; otherwise the time range alone bounds it (so the caller must intersect with its
   * ids, which it does anyway). Either way it is one query that only opens the batch's hours.
   */
  visibleIds(orgId: string, ids: readonly string[], minUs: number, maxUs: number, maxLength = ARC_MAX_SQL_LENGTH): string {
    const org = requireText(orgId, 'orgId');
    if (org === '') refuse('orgId is required');
    if (!(minUs <= maxUs)) refuse('minUs must not exceed maxUs');
    const ranged =
      `SELECT id FROM ${this.measurement} WHERE org_id = ${stringLiteral(org)} ` +
      `AND time >= ${timestampLiteral(minUs, 'minUs')} AND time <= ${timestampLiteral(maxUs, 'maxUs')}`;
    const narrowed = `${ranged} AND ${inClause('id', ids, 'ids')}`;
    return narrowed.length <= maxLength ? narrowed : ranged;
  }
}
