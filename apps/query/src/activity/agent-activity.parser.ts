import { MemoryFilter } from '@memtrace/contracts';
import { bucketStartUs } from '@memtrace/store';
import { badRequest, requiredId } from '../request-parsing/filter-fields.util';
import { QueryParams, queryValue } from '../request-parsing/query-params.util';
import { ReadScope } from '../request-parsing/read-scope.types';
import { resolveSinceUs, resolveUntilUs } from '../request-parsing/time-window.util';

/** The bucket sizes a client may ask for, in seconds: enough for a chart from an hour to a year. */
export const ACTIVITY_BUCKETS: Readonly<Record<string, number>> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3_600, '6h': 21_600, '1d': 86_400 };

/** More buckets than this is a mistake (a year by the minute): refused before anything runs. */
export const MAX_ACTIVITY_BUCKETS = 5_000;

const DEFAULT_SINCE = '24h';
const DEFAULT_BUCKET = '1h';

/** A validated activity request: the filter to count and the buckets to answer. */
export interface AgentActivityQuery {
  agentId: string;
  /** The org, the agent (the path id; widened to its aliases by the service) and the window. */
  filter: MemoryFilter & { sinceUs: number; untilUs: number };
  bucket: string;
  bucketUs: number;
  /** The first bucket's start and how many buckets the window spans (first and last may be partial). */
  firstBucketUs: number;
  bucketCount: number;
}

/**
 * `GET /api/v1/agents/:id/activity?since=&until=&bucket=`. `since` as on the lists (a window back
 * from now or a timestamp; default `24h`), `until` the same (default and `now`: now), `bucket` one
 * of `ACTIVITY_BUCKETS` (default `1h`). Counts memories with `since < time < until`. Every bad
 * value is a 400 naming it, and so is a window past `MAX_ACTIVITY_BUCKETS` buckets.
 */
export function parseAgentActivityQuery(agentId: string, params: QueryParams | undefined, scope: ReadScope): AgentActivityQuery {
  const id = requiredId('agent_id', agentId);
  const sinceUs = resolveSinceUs(queryValue(params, 'since') || DEFAULT_SINCE, scope.nowUs) as number;
  const untilUs = resolveUntilUs(queryValue(params, 'until'), scope.nowUs) ?? scope.nowUs;
  if (untilUs <= sinceUs) badRequest('invalid until: must be after since', 'e.g. since=7d&until=1d, or two timestamps in order');
  const bucket = queryValue(params, 'bucket') || DEFAULT_BUCKET;
  const seconds = Object.hasOwn(ACTIVITY_BUCKETS, bucket) ? ACTIVITY_BUCKETS[bucket] : undefined;
  if (seconds === undefined) badRequest(`invalid bucket: '${bucket.slice(0, 16)}' is not one of ${Object.keys(ACTIVITY_BUCKETS).join(', ')}`);
  const bucketUs = seconds * 1_000_000;
  const firstBucketUs = bucketStartUs(sinceUs, bucketUs);
  const bucketCount = (bucketStartUs(untilUs - 1, bucketUs) - firstBucketUs) / bucketUs + 1;
  if (bucketCount > MAX_ACTIVITY_BUCKETS) {
    badRequest(`invalid bucket: the window would have ${bucketCount} buckets of ${bucket}, at most ${MAX_ACTIVITY_BUCKETS}`, 'use a larger bucket or a shorter window');
  }
  return { agentId: id, filter: { orgId: scope.orgId, agentId: id, sinceUs, untilUs }, bucket, bucketUs, firstBucketUs, bucketCount };
}
