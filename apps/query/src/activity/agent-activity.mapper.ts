import { AgentActivityResponse, formatTimeUs } from '@memtrace/contracts';
import { BucketCount, compareCodePoints } from '@memtrace/store';
import { AgentActivityQuery } from './agent-activity-query.mapper';

/** The store's (bucket, type) cells as the response: every bucket of the window, oldest first. */
export function toActivityResponse(query: AgentActivityQuery, cells: readonly BucketCount[]): AgentActivityResponse {
  const buckets: AgentActivityResponse['buckets'] = [];
  const byStart = new Map<number, AgentActivityResponse['buckets'][number]>();
  for (let i = 0; i < query.bucketCount; i++) {
    const startUs = query.firstBucketUs + i * query.bucketUs;
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
    since: formatTimeUs(query.filter.sinceUs),
    until: formatTimeUs(query.filter.untilUs),
    bucket: query.bucket,
    bucket_seconds: query.bucketUs / 1_000_000,
    memory_types: [...types].sort(compareCodePoints),
    buckets,
    total: buckets.reduce((sum, b) => sum + b.total, 0),
    errors: buckets.reduce((sum, b) => sum + b.errors, 0),
  };
}
