import { MemoryQuery, MemoryRecord } from '@memtrace/contracts';
import { compareRecords } from '@memtrace/store';

/**
 * Store rows ∪ hot-tier rows (design §5), as one page of `query`. A row in both is one memory: the
 * store's copy wins (the same record, already confirmed). `stored` must be the store's answer to
 * the query *without* its offset and with `limit = offset + limit` (see `storeWindow`), so that a
 * hot row sorting before the page start pushes store rows along exactly as it would in the store.
 */
export function mergeHotTier(stored: readonly MemoryRecord[], hot: readonly MemoryRecord[], query: MemoryQuery): MemoryRecord[] {
  const byId = new Map<string, MemoryRecord>();
  for (const record of hot) byId.set(record.id, record);
  for (const record of stored) byId.set(record.id, record);
  const offset = query.offset ?? 0;
  return [...byId.values()].sort(compareRecords(query.order)).slice(offset, offset + query.limit);
}

/** The store query whose answer `mergeHotTier` pages: the first `offset + limit` rows. */
export function storeWindow(query: MemoryQuery): MemoryQuery {
  return { ...query, offset: 0, limit: (query.offset ?? 0) + query.limit };
}
