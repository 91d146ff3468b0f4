// The four msgpack payload shapes Arc accepts (reference/arc.md §2.2): columnar map, row map,
// {"batch": [...]} and a top-level array. Only a single top-level map reports its decode error
// (400); inside a batch or an array a bad item is skipped and the request still succeeds.
import { formatGoFloatV } from '../go-value.formatter';
import { decodeTagged, goTypeName, MsgpackDecodeError, TaggedValue } from './msgpack-tagged.decoder';
import { columnTimestampsMicros, rowTimestampMicros, TimestampError } from './timestamp.normalizer';

export interface ColumnarRecord {
  kind: 'columnar';
  measurement: string;
  rowCount: number;
  timeMicros: bigint[];
  /** Every column except `time`, in payload order. */
  columns: Array<{ name: string; values: TaggedValue[] }>;
}

export interface RowRecord {
  kind: 'row';
  measurement: string;
  timeMicros: bigint;
  tags: Map<string, string>;
  fields: Map<string, TaggedValue>;
}

export type DecodedRecord = ColumnarRecord | RowRecord;

/** A payload Arc answers with 400 `Invalid MessagePack payload: <message>`. */
export class PayloadError extends Error {}

type TaggedMap = Extract<TaggedValue, { kind: 'map' }>;

export function decodePayload(bytes: Uint8Array, nowMicros: bigint): DecodedRecord[] {
  let root: TaggedValue;
  try {
    root = decodeTagged(bytes);
  } catch (error) {
    if (error instanceof MsgpackDecodeError || error instanceof RangeError) {
      throw new PayloadError(`failed to unmarshal msgpack: ${error.message}`);
    }
    throw error;
  }
  if (root.kind === 'map' && root.stringKeys) return decodeMap(root, nowMicros);
  if (root.kind === 'array') return decodeItems(root.items, nowMicros);
  throw new PayloadError(`unsupported msgpack payload type: ${goTypeName(root)}`);
}

/** Batch and array items: maps are decoded, failures and non-maps silently skipped. */
function decodeItems(items: readonly TaggedValue[], nowMicros: bigint): DecodedRecord[] {
  const records: DecodedRecord[] = [];
  for (const item of items) {
    if (item.kind !== 'map' || !item.stringKeys) continue;
    try {
      records.push(...decodeMap(item, nowMicros));
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
    }
  }
  return records;
}

function decodeMap(map: TaggedMap, nowMicros: bigint): DecodedRecord[] {
  const batch = map.entries.get('batch');
  if (batch?.kind === 'array') return decodeItems(batch.items, nowMicros);
  const columns = map.entries.get('columns');
  if (columns?.kind === 'map' && columns.stringKeys) return [decodeColumnar(map, columns, nowMicros)];
  return [decodeRow(map, nowMicros)];
}

function decodeColumnar(map: TaggedMap, columnsMap: TaggedMap, nowMicros: bigint): ColumnarRecord {
  const measurement = extractMeasurement(map.entries.get('m'));
  // Arc keeps only the entries whose value is an array; others vanish without an error.
  const arrays = [...columnsMap.entries].flatMap(([name, value]) =>
    value.kind === 'array' ? [{ name, values: value.items }] : [],
  );
  if (arrays.length === 0) throw new PayloadError("columnar format requires non-empty 'columns' dict");
  const rowCount = arrays[0].values.length;
  for (const column of arrays) {
    if (column.values.length !== rowCount) {
      throw new PayloadError(
        `columnar format: array length mismatch (expected ${rowCount}, got ${column.values.length} for '${column.name}')`,
      );
    }
  }
  const time = arrays.find((column) => column.name === 'time');
  let timeMicros: bigint[];
  try {
    timeMicros =
      time && time.values.length > 0
        ? columnTimestampsMicros(time.values)
        : Array.from({ length: rowCount }, () => nowMicros);
  } catch (error) {
    if (error instanceof TimestampError) throw new PayloadError(error.message);
    throw error;
  }
  return {
    kind: 'columnar',
    measurement,
    rowCount,
    timeMicros,
    columns: arrays.filter((column) => column.name !== 'time'),
  };
}

function decodeRow(map: TaggedMap, nowMicros: bigint): RowRecord {
  const measurement = extractMeasurement(map.entries.get('m'));
  let timeMicros: bigint;
  try {
    timeMicros = rowTimestampMicros(map.entries.get('t'), nowMicros);
  } catch (error) {
    if (error instanceof TimestampError) throw new PayloadError(error.message);
    throw error;
  }
  const host = extractHost(map.entries.get('h'));
  const fields = extractFields(map);
  const tags = new Map<string, string>();
  const tagsValue = map.entries.get('tags');
  if (tagsValue?.kind === 'map' && tagsValue.stringKeys) {
    for (const [name, value] of tagsValue.entries) tags.set(name, formatGoValue(value));
  }
  // `h` always wins over tags.host, and a missing `h` means "unknown" (§2.2 B).
  if (host !== '') tags.set('host', host);
  return { kind: 'row', measurement, timeMicros, tags, fields };
}

function extractFields(map: TaggedMap): Map<string, TaggedValue> {
  const fields = map.entries.get('fields');
  if (fields?.kind === 'map' && fields.stringKeys) return new Map(fields.entries);
  const compact = map.entries.get('f');
  if (compact === undefined || compact.kind === 'nil') {
    throw new PayloadError("missing required field 'fields' or 'f'");
  }
  const result = new Map<string, TaggedValue>();
  if (compact.kind === 'array') compact.items.forEach((value, i) => result.set(`field_${i}`, value));
  return result;
}

function extractMeasurement(m: TaggedValue | undefined): string {
  if (m === undefined || m.kind === 'nil') throw new PayloadError("missing required field 'm' (measurement)");
  if (m.kind === 'str') return m.value;
  if (m.kind === 'int') return `measurement_${m.value}`;
  throw new PayloadError(`invalid measurement type: ${goTypeName(m)}`);
}

function extractHost(h: TaggedValue | undefined): string {
  if (h === undefined) return 'unknown';
  if (h.kind === 'str') return h.value;
  if (h.kind === 'int') return `host_${h.value}`;
  return 'unknown';
}

/** fmt's %v of a decoded value, used when Arc turns tag values into strings. */
function formatGoValue(value: TaggedValue): string {
  switch (value.kind) {
    case 'str':
      return value.value;
    case 'int':
      return value.value.toString();
    case 'float':
      return formatGoFloatV(value.value);
    case 'bool':
      return String(value.value);
    case 'nil':
      return '<nil>';
    case 'array':
      return `[${value.items.map(formatGoValue).join(' ')}]`;
    case 'bin':
      return `[${[...value.value].join(' ')}]`;
    case 'time':
      return new Date(Number(value.seconds) * 1000).toISOString();
    case 'map':
      return `map[${[...value.entries].map(([k, v]) => `${k}:${formatGoValue(v)}`).join(' ')}]`;
  }
}
