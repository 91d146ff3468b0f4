// Arc's JSON query reply (reference/arc.md §3.3, §3.5), written as text so that the key order
// is exactly Arc's and BIGINTs keep every digit (a JS number would round them above 2^53).
import { DuckDBType, DuckDBTypeId, DuckDBValue } from '@duckdb/node-api';
import { formatGoFloatF, formatRfc3339Nano } from '../go-value.formatter';

export interface ResultTable {
  columnNames: string[];
  columnTypes: DuckDBType[];
  rows: DuckDBValue[][];
}

export function successEnvelope(result: ResultTable, executionTimeMs: number, timestamp: string): string {
  const data = result.rows.map((row) => `[${row.map((v, i) => encodeValue(v, result.columnTypes[i])).join(',')}]`);
  return (
    `{"success":true,"columns":${JSON.stringify(result.columnNames)},"data":[${data.join(',')}],` +
    `"row_count":${result.rows.length},"execution_time_ms":${executionTimeMs},"timestamp":${JSON.stringify(timestamp)}}`
  );
}

/** Arc's reply when a measurement has no files yet: success, and `columns` empty too. */
export function emptyEnvelope(executionTimeMs: number, timestamp: string): string {
  return `{"success":true,"columns":[],"data":[],"row_count":0,"execution_time_ms":${executionTimeMs},"timestamp":${JSON.stringify(timestamp)}}`;
}

export function errorEnvelope(message: string, executionTimeMs: number, timestamp: string): string {
  return (
    `{"success":false,"columns":null,"data":null,"row_count":0,"execution_time_ms":${executionTimeMs},` +
    `"timestamp":${JSON.stringify(timestamp)},"error":${JSON.stringify(message)}}`
  );
}

/** One value as Arc's JSON writer renders it for its DuckDB type. */
export function encodeValue(value: DuckDBValue, type: DuckDBType): string {
  if (value === null || value === undefined) return 'null';
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value ? 'true' : 'false';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
      return String(value);
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return encodeFloat(value as number, type.typeId === DuckDBTypeId.FLOAT ? 32 : 64);
    case DuckDBTypeId.VARCHAR:
      return JSON.stringify(value);
    case DuckDBTypeId.BLOB:
      return JSON.stringify(Buffer.from((value as { bytes: Uint8Array }).bytes).toString('utf8'));
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return encodeInstant(value, (v) => (v as { micros: bigint }).micros * 1_000n);
    case DuckDBTypeId.TIMESTAMP_S:
      return encodeInstant(value, (v) => (v as { seconds: bigint }).seconds * 1_000_000_000n);
    case DuckDBTypeId.TIMESTAMP_MS:
      return encodeInstant(value, (v) => (v as { millis: bigint }).millis * 1_000_000n);
    case DuckDBTypeId.TIMESTAMP_NS:
      return encodeInstant(value, (v) => (v as { nanos: bigint }).nanos);
    case DuckDBTypeId.DATE:
      return encodeInstant(value, (v) => BigInt((v as { days: number }).days) * 86_400_000_000_000n);
    default:
      // DECIMAL and HUGEINT come out as strings on Arc's JSON path; so does everything else
      // (LIST, STRUCT, INTERVAL, TIME...), in a format clients must not rely on.
      return JSON.stringify(String(value));
  }
}

function encodeFloat(value: number, bits: 32 | 64): string {
  return Number.isFinite(value) ? formatGoFloatF(value, bits) : 'null';
}

function encodeInstant(value: DuckDBValue, toNanos: (value: DuckDBValue) => bigint): string {
  if (typeof value === 'object' && value !== null && 'isFinite' in value && !value.isFinite) {
    return JSON.stringify(String(value));
  }
  try {
    return JSON.stringify(formatRfc3339Nano(toNanos(value)));
  } catch {
    // Outside the range JS dates can print: fall back to DuckDB's own rendering.
    return JSON.stringify(String(value));
  }
}
