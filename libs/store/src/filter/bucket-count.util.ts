import { bucketStartUs, type MemoryRecord } from '@memtrace/contracts';
import type { BucketCount } from '../port/memory-store.port';
import { compareCodePoints } from './memory-filter.predicate';

/**
 * The in-memory twin of `MemorySqlBuilder.countByBucket` (for hot-tier rows): distinct ids per
 * (bucket, memory type), the errors among them, ordered as the SQL orders them.
 */
export function countRecordsByBucket(records: readonly MemoryRecord[], bucketUs: number): BucketCount[] {
  const cells = new Map<string, { cell: BucketCount; ids: Set<string>; errorIds: Set<string> }>();
  for (const record of records) {
    const bucket = bucketStartUs(record.timeUs, bucketUs);
    const key = `${bucket}\u0000${record.memoryType}`;
    let entry = cells.get(key);
    if (!entry) {
      entry = { cell: { bucketUs: bucket, memoryType: record.memoryType, count: 0, errors: 0 }, ids: new Set(), errorIds: new Set() };
      cells.set(key, entry);
    }
    entry.ids.add(record.id);
    if (record.eventType === 'error') entry.errorIds.add(record.id);
  }
  return [...cells.values()]
    .map(({ cell, ids, errorIds }) => ({ ...cell, count: ids.size, errors: errorIds.size }))
    .sort((a, b) => a.bucketUs - b.bucketUs || compareCodePoints(a.memoryType, b.memoryType));
}
