import type { MemoryRecord, MemoryType } from '@memtrace/contracts';
import { StoreRejectedError } from '../port/store.exception';
import { MEMORY_COLUMN_NAMES, type MemoryColumns } from './memory.columns';
import { parseTimeUs } from '@memtrace/contracts';

/** Tags travel as one comma-joined column, as in the upstream row layout. */
export function tagsToCsv(tags: readonly string[]): string {
  return tags.join(',');
}

export function csvToTags(csv: string): string[] {
  return csv === '' ? [] : csv.split(',');
}

/** `null` metadata is stored as `{}`, and `{}` reads back as `null` (upstream's convention). */
export function metadataToJson(metadata: Record<string, unknown> | null): string {
  return JSON.stringify(metadata ?? {});
}

export function jsonToMetadata(json: string): Record<string, unknown> | null {
  if (json === '' || json === '{}') return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return isPlainObject(parsed) ? parsed : null;
  } catch {
    // Rows are written through this port, so this is foreign data; a read must not fail on it.
    return null;
  }
}

/**
 * Refuses what neither store can hold faithfully: a non-integer or out-of-range time, a
 * non-finite importance (Arc's JSON turns NaN into null), or non-string text.
 */
export function assertStorable(record: MemoryRecord, index: number): void {
  const bad = (why: string): never => {
    throw new StoreRejectedError(`memory at index ${index} (id ${String(record.id)}): ${why}`);
  };
  if (!Number.isSafeInteger(record.timeUs)) bad('timeUs must be a safe integer of µs');
  if (typeof record.importance !== 'number' || !Number.isFinite(record.importance)) bad('importance must be a finite number');
  const texts = [record.id, record.orgId, record.agentId, record.sessionId, record.memoryType, record.eventType, record.content, record.dedupKey, record.parentId];
  if (texts.some((t) => typeof t !== 'string')) bad('text fields must be strings');
  if (!Array.isArray(record.tags) || record.tags.some((t) => typeof t !== 'string')) bad('tags must be strings');
  if (record.metadata !== null && !isPlainObject(record.metadata)) bad('metadata must be an object or null');
}

/** A batch in columnar form, validated. */
export function toMemoryColumns(records: readonly MemoryRecord[]): MemoryColumns {
  const columns = Object.fromEntries(MEMORY_COLUMN_NAMES.map((name) => [name, []])) as unknown as MemoryColumns;
  records.forEach((r, i) => {
    assertStorable(r, i);
    let metadataJson: string;
    try {
      metadataJson = metadataToJson(r.metadata);
    } catch (err) {
      throw new StoreRejectedError(`memory at index ${i} (id ${r.id}): metadata is not JSON-serialisable`, { cause: err });
    }
    columns.time.push(r.timeUs);
    columns.id.push(r.id);
    columns.org_id.push(r.orgId);
    columns.agent_id.push(r.agentId);
    columns.session_id.push(r.sessionId);
    columns.memory_type.push(r.memoryType);
    columns.event_type.push(r.eventType);
    columns.content.push(r.content);
    columns.metadata_json.push(metadataJson);
    columns.tags_csv.push(tagsToCsv(r.tags));
    columns.dedup_key.push(r.dedupKey);
    columns.importance.push(r.importance);
    columns.parent_id.push(r.parentId);
  });
  return columns;
}

/**
 * A stored row, looked up by column name (never by position: Arc's column order is random), back to
 * a record. `time` is an RFC3339Nano string from Arc and a `{micros: bigint}` value from DuckDB.
 * Missing columns (files written before a column existed read as NULL in Arc) become "absent".
 */
export function fromStoredRow(row: Readonly<Record<string, unknown>>): MemoryRecord {
  return {
    id: text(row.id),
    timeUs: toMicros(row.time),
    orgId: text(row.org_id),
    agentId: text(row.agent_id),
    sessionId: text(row.session_id),
    // Trusted as written: the gateway only accepts MEMORY_TYPES.
    memoryType: text(row.memory_type) as MemoryType,
    eventType: text(row.event_type),
    content: text(row.content),
    metadata: jsonToMetadata(text(row.metadata_json)),
    tags: csvToTags(text(row.tags_csv)),
    dedupKey: text(row.dedup_key),
    importance: toNumber(row.importance),
    parentId: text(row.parent_id),
  };
}

export function toMicros(value: unknown): number {
  if (typeof value === 'string') {
    const us = parseTimeUs(value);
    if (us === undefined) throw new RangeError(`not an RFC 3339 timestamp: ${JSON.stringify(value)}`);
    return us;
  }
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return guessEpochUnitToMicros(value);
  if (typeof value === 'object' && value !== null && typeof (value as { micros?: unknown }).micros === 'bigint') {
    return Number((value as { micros: bigint }).micros);
  }
  throw new TypeError(`unreadable time value: ${String(value)}`);
}

/** A numeric time (a legacy int64 column) read with Arc's own unit guess (reference/arc.md §2.3). */
function guessEpochUnitToMicros(n: number): number {
  const abs = Math.abs(n);
  if (abs < 1e10) return Math.trunc(n * 1e6);
  if (abs < 1e13) return Math.trunc(n * 1e3);
  if (abs < 1e16) return Math.trunc(n);
  return Math.trunc(n / 1e3);
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
