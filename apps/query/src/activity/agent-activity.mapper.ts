import { ActivityQuery, AgentActivityResponse, formatTimeUs, windowBuckets } from '@memtrace/contracts';
import { BucketCount, compareCodePoints } from '@memtrace/store';

/** The store's (bucket, type) cells as the response: every bucket of the window, oldest first. */
export function toActivityResponse(query: ActivityQuery, cells: readonly BucketCount[]): AgentActivityResponse {
  const buckets: AgentActivityResponse['buckets'] = [];
  const byStart = new Map<number, AgentActivityResponse['buckets'][number]>();
  const { firstBucketUs, bucketCount } = windowBuckets(query.sinceUs, query.untilUs, query.bucketUs);
  for (let i = 0; i < bucketCount; i++) {
    const startUs = firstBucketUs + i * query.bucketUs;
    const bucket = { start: formatTimeUs(startUs), counts: {}, total: 0, errors: 0 };
    buckets.push(bucket);
    byStart.set(startUs, bucket);
  }
  const types = new Set<string>();
  for (const cell of cells) {
    const bucket = byStart.get(cell.bucketUs);
    // The filter bounds the rows to the window, so every cell has its bucket; guard all the same.
    if (!bucket || cell.count === 0) continue;
    bucket.counts[cell.memoryType] = (bucket.counts[cell.memoryType] ?? 0) + cell.count;
    bucket.total += cell.count;
    bucket.errors += cell.errors;
    types.add(cell.memoryType);
  }
  return {
    agent_id: query.agentId,
    since: formatTimeUs(query.sinceUs),
    until: formatTimeUs(query.untilUs),
    bucket: query.bucket,
    bucket_seconds: query.bucketUs / 1_000_000,
    memory_types: [...types].sort(compareCodePoints),
    buckets,
    total: buckets.reduce((sum, b) => sum + b.total, 0),
    errors: buckets.reduce((sum, b) => sum + b.errors, 0),
  };
}
