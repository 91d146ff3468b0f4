/**
 * The one definition of the store's columns: the DuckDB DDL, the SELECT list, the appender's chunk
 * layout and the Arc msgpack typing are all derived from this list, so they cannot drift apart.
 *
 * `wire` is the msgpack type each column is encoded with for Arc, which types a column from its first
 * value (reference/arc.md §2.3): `time` must be an integer (µs) and `importance` a float64 even when
 * the value is integral, or Arc would store it as BIGINT and truncate later fractions.
 */
export const MEMORY_COLUMNS = [
  { name: 'time', sql: 'TIMESTAMPTZ', wire: 'int64' },
  { name: 'id', sql: 'VARCHAR', wire: 'string' },
  { name: 'org_id', sql: 'VARCHAR', wire: 'string' },
  { name: 'agent_id', sql: 'VARCHAR', wire: 'string' },
  { name: 'session_id', sql: 'VARCHAR', wire: 'string' },
  { name: 'memory_type', sql: 'VARCHAR', wire: 'string' },
  { name: 'event_type', sql: 'VARCHAR', wire: 'string' },
  { name: 'content', sql: 'VARCHAR', wire: 'string' },
  { name: 'metadata_json', sql: 'VARCHAR', wire: 'string' },
  { name: 'tags_csv', sql: 'VARCHAR', wire: 'string' },
  { name: 'dedup_key', sql: 'VARCHAR', wire: 'string' },
  { name: 'importance', sql: 'DOUBLE', wire: 'float64' },
  { name: 'parent_id', sql: 'VARCHAR', wire: 'string' },
] as const;

export type MemoryColumn = (typeof MEMORY_COLUMNS)[number];
export type MemoryColumnName = MemoryColumn['name'];
export type WireType = MemoryColumn['wire'];

export const MEMORY_COLUMN_NAMES: readonly MemoryColumnName[] = MEMORY_COLUMNS.map((c) => c.name);

type JsTypeOf<W extends WireType> = W extends 'string' ? string : number;

/**
 * A batch in columnar form, one array per column, all the same length. `time` holds µs since the
 * epoch as JS numbers (safe integers until the year 2255).
 */
export type MemoryColumns = { [C in MemoryColumn as C['name']]: JsTypeOf<C['wire']>[] };
