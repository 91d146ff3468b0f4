// Arc's column typing (reference/arc.md §2.3): a column takes the type of its first non-null
// value; later ints in a float column widen, later floats in an int column are truncated
// toward zero, any other mix is a 500; an all-null column is VARCHAR; `_` columns are dropped.
import { goTypeName, TaggedValue } from './msgpack-tagged.decoder';
import { DecodedRecord, RowRecord } from './payload.decoder';

export type ColumnType = 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
export type CellValue = bigint | number | string | boolean | null;

export interface TypedColumn {
  name: string;
  type: ColumnType;
  values: CellValue[];
}

/** Rows ready for one (database, measurement) buffer. `time` is always TIMESTAMPTZ µs. */
export interface TypedBatch {
  measurement: string;
  rowCount: number;
  timeMicros: bigint[];
  columns: TypedColumn[];
  /** Names plus types, order-free: a different signature flushes the open buffer first. */
  signature: string;
}

/** Arc answers 500 `Failed to write records: failed to convert columns: <message>`. */
export class ColumnConversionError extends Error {}

const INT64_MAX = 2n ** 63n - 1n;

interface RawBatch {
  measurement: string;
  rowCount: number;
  timeMicros: bigint[];
  columns: Array<{ name: string; values: TaggedValue[] }>;
}

/**
 * Types the records one batch at a time, so a conversion error in a later batch leaves the
 * earlier ones written, as Arc's record-by-record buffer write does. Row-format records of one
 * measurement are merged into one batch.
 */
export function* typeRecords(records: readonly DecodedRecord[]): Generator<TypedBatch> {
  const slots: Array<RawBatch | RowRecord[]> = [];
  const rowGroups = new Map<string, RowRecord[]>();
  for (const record of records) {
    if (record.kind === 'columnar') {
      slots.push(record);
      continue;
    }
    const group = rowGroups.get(record.measurement);
    if (group) group.push(record);
    else {
      const fresh = [record];
      rowGroups.set(record.measurement, fresh);
      slots.push(fresh);
    }
  }
  for (const slot of slots) yield typeBatch(Array.isArray(slot) ? rowsToColumns(slot) : slot);
}

/** Tags become string columns; a field named like a tag is stored as `<name>_value`. */
function rowsToColumns(rows: RowRecord[]): RawBatch {
  const columns = new Map<string, TaggedValue[]>();
  const cell = (name: string, index: number, value: TaggedValue): void => {
    let values = columns.get(name);
    if (!values) {
      values = Array.from({ length: rows.length }, (): TaggedValue => ({ kind: 'nil' }));
      columns.set(name, values);
    }
    values[index] = value;
  };
  rows.forEach((row, index) => {
    for (const [name, value] of row.tags) cell(name, index, { kind: 'str', value });
    for (const [name, value] of row.fields) {
      if (name === 'time') continue;
      cell(row.tags.has(name) ? `${name}_value` : name, index, value);
    }
  });
  return {
    measurement: rows[0].measurement,
    rowCount: rows.length,
    timeMicros: rows.map((row) => row.timeMicros),
    columns: [...columns].map(([name, values]) => ({ name, values })),
  };
}

function typeBatch(batch: RawBatch): TypedBatch {
  const columns = batch.columns.map((column) => typeColumn(column.name, column.values));
  const kept = columns.filter((column) => !column.name.startsWith('_'));
  const signature = ['time:TIMESTAMPTZ', ...kept.map((column) => `${column.name}:${column.type}`)]
    .sort()
    .join(',');
  return {
    measurement: batch.measurement,
    rowCount: batch.rowCount,
    timeMicros: batch.timeMicros,
    columns: kept,
    signature,
  };
}

function typeColumn(name: string, values: readonly TaggedValue[]): TypedColumn {
  const first = values.find((value) => value.kind !== 'nil');
  if (!first) return { name, type: 'VARCHAR', values: values.map(() => null) };
  switch (first.kind) {
    case 'int':
      return { name, type: 'BIGINT', values: values.map((value) => toInt64(name, value)) };
    case 'float':
      return { name, type: 'DOUBLE', values: values.map((value) => toFloat64(name, value)) };
    case 'str':
      return { name, type: 'VARCHAR', values: values.map((value) => sameKind(name, value, 'str', 'string')) };
    case 'bool':
      return { name, type: 'BOOLEAN', values: values.map((value) => sameKind(name, value, 'bool', 'bool')) };
    default:
      throw new ColumnConversionError(`unsupported column type for '${name}': ${goTypeName(first)}`);
  }
}

function toInt64(name: string, value: TaggedValue): CellValue {
  if (value.kind === 'nil') return null;
  if (value.kind === 'int' && value.value <= INT64_MAX) return value.value;
  if (value.kind === 'float') {
    if (!Number.isFinite(value.value)) return -(2n ** 63n);
    return BigInt.asIntN(64, BigInt(Math.trunc(value.value)));
  }
  throw new ColumnConversionError(`cannot convert ${goTypeName(value)} to int64 in column '${name}'`);
}

function toFloat64(name: string, value: TaggedValue): CellValue {
  if (value.kind === 'nil') return null;
  if (value.kind === 'float') return value.value;
  if (value.kind === 'int') return Number(value.value);
  throw new ColumnConversionError(`cannot convert ${goTypeName(value)} to float64 in column '${name}'`);
}

function sameKind(name: string, value: TaggedValue, kind: 'str' | 'bool', label: string): CellValue {
  if (value.kind === 'nil') return null;
  if (value.kind === kind) return value.value;
  throw new ColumnConversionError(`unexpected type in ${label} column '${name}': ${goTypeName(value)}`);
}
