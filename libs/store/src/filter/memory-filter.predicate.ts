import type { MemoryFilter, MemoryRecord, SortOrder } from '@memtrace/contracts';
import { tagsToCsv } from '../schema/memory-row.mapper';
import { normalizeFilterText } from './filter-text.util';

/**
 * The in-memory twin of the SQL WHERE clause (sql/memory-where.builder.ts), for rows that are not in
 * the store yet (the hot tier). Each rule mirrors the SQL, including its corner cases:
 * - undefined list → no constraint; empty `ids`/`agentIds`/`memoryTypes`/`eventTypes` → matches nothing
 *   (`IN ()` is false); empty `tags` → no constraint (AND over nothing);
 * - tags are matched on the stored CSV split on `,` (a tag holding a comma can never match);
 * - filter values are normalised as the builder must (NUL dropped, lone surrogates → U+FFFD).
 * A property test runs both against DuckDB and requires identical results.
 */
export function matchesFilter(record: MemoryRecord, filter: MemoryFilter): boolean {
  if (record.orgId !== normalizeFilterText(filter.orgId)) return false;
  if (filter.ids !== undefined && !inList(record.id, filter.ids)) return false;
  if (filter.agentId !== undefined && record.agentId !== normalizeFilterText(filter.agentId)) return false;
  if (filter.agentIds !== undefined && !inList(record.agentId, filter.agentIds)) return false;
  if (filter.sessionId !== undefined && record.sessionId !== normalizeFilterText(filter.sessionId)) return false;
  if (filter.memoryTypes !== undefined && !inList(record.memoryType, filter.memoryTypes)) return false;
  if (filter.eventTypes !== undefined && !inList(record.eventType, filter.eventTypes)) return false;
  if (filter.tags !== undefined && filter.tags.length > 0) {
    const stored = tagsToCsv(record.tags).split(',');
    if (!filter.tags.every((tag) => stored.includes(normalizeFilterText(tag)))) return false;
  }
  if (filter.contentContains !== undefined && !record.content.includes(normalizeFilterText(filter.contentContains))) return false;
  if (filter.minImportance !== undefined && !(record.importance >= filter.minImportance)) return false;
  if (filter.sinceUs !== undefined && !(record.timeUs > filter.sinceUs)) return false;
  if (filter.untilUs !== undefined && !(record.timeUs < filter.untilUs)) return false;
  if (filter.after !== undefined) {
    const { timeUs, id } = filter.after;
    if (!(record.timeUs > timeUs || (record.timeUs === timeUs && compareCodePoints(record.id, normalizeFilterText(id)) > 0))) return false;
  }
  return true;
}

function inList(value: string, list: readonly string[]): boolean {
  return list.some((item) => normalizeFilterText(item) === value);
}

/**
 * The store's order: `ORDER BY time <dir>, id <dir>`. DuckDB compares VARCHAR by UTF-8 bytes, which
 * is code-point order; JS `<` compares UTF-16 units and disagrees above U+FFFF, hence `compareCodePoints`.
 */
export function compareRecords(order: SortOrder): (a: MemoryRecord, b: MemoryRecord) => number {
  const sign = order === 'desc' ? -1 : 1;
  return (a, b) => sign * (a.timeUs !== b.timeUs ? (a.timeUs < b.timeUs ? -1 : 1) : compareCodePoints(a.id, b.id));
}

export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF: they must sort after 0xE000-0xFFFF.
    const surrogateX = x >= 0xd800 && x <= 0xdfff;
    const surrogateY = y >= 0xd800 && y <= 0xdfff;
    if (surrogateX !== surrogateY) return surrogateX ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
