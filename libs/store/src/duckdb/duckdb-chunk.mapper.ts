import { DOUBLE, DuckDBDataChunk, TIMESTAMPTZ, timestampTZValue, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { MEMORY_COLUMNS, type MemoryColumn, type MemoryColumns } from '../schema/memory.columns';

/** DuckDB's vector size: the most rows one data chunk holds. */
export const ROWS_PER_CHUNK = 2048;

const DUCKDB_TYPES = { TIMESTAMPTZ, VARCHAR, DOUBLE } as const;
const CHUNK_TYPES = MEMORY_COLUMNS.map((column) => DUCKDB_TYPES[column.sql]);

/** The table's DDL column list, in the order the chunks are laid out. */
export const COLUMN_DDL = MEMORY_COLUMNS.map((column) => `${column.name} ${column.sql} NOT NULL`).join(', ');

/**
 * Splits a columnar batch into DuckDB data chunks of at most 2048 rows, columns in MEMORY_COLUMNS
 * order: the appender then copies whole vectors instead of converting value by value.
 */
export function* toDataChunks(columns: MemoryColumns, rowCount: number): Generator<DuckDBDataChunk> {
  for (let start = 0; start < rowCount; start += ROWS_PER_CHUNK) {
    const end = Math.min(start + ROWS_PER_CHUNK, rowCount);
    const chunk = DuckDBDataChunk.create(CHUNK_TYPES, end - start);
    chunk.setColumns(MEMORY_COLUMNS.map((column) => toDuckDbValues(column, columns, start, end)));
    yield chunk;
  }
}

function toDuckDbValues(column: MemoryColumn, columns: MemoryColumns, start: number, end: number): DuckDBValue[] {
  const values: readonly (string | number)[] = columns[column.name].slice(start, end);
  if (column.sql === 'TIMESTAMPTZ') return values.map((us) => timestampTZValue(BigInt(us)));
  return values as DuckDBValue[];
}
