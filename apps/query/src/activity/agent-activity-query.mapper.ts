import { MemoryFilter, RawQueryParams } from '@memtrace/contracts';
import { ACTIVITY_BUCKETS, activityWindowUs, AgentActivityQueryDto, agentPath, checkRead, DEFAULT_ACTIVITY_BUCKET, readQuery } from '@memtrace/http';
import { bucketStartUs } from '@memtrace/store';
import { badRequest } from '../request-parsing/filter-fields.util';
import { ReadScope } from '../request-parsing/read-scope.types';

/** More buckets than this is a mistake (a year by the minute): refused before anything runs. */
export const MAX_ACTIVITY_BUCKETS = 5_000;

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
 * `GET /api/v1/agents/:id/activity` (`AgentActivityQueryDto`): counts memories with
 * `since < time < until`. Every bad value is a 400 naming it, and so, last, is a window past
 * `MAX_ACTIVITY_BUCKETS` buckets.
 */
export function toAgentActivityQuery(agentId: string, params: RawQueryParams | undefined, scope: ReadScope): AgentActivityQuery {
  const path = agentPath(agentId);
  const dto = readQuery(AgentActivityQueryDto, params, { nowUs: scope.nowUs });
  checkRead(path, dto);
  const { sinceUs, untilUs } = activityWindowUs(dto.since, dto.until, scope.nowUs)!;
  const bucket = dto.bucket || DEFAULT_ACTIVITY_BUCKET;
  const bucketUs = ACTIVITY_BUCKETS[bucket] * 1_000_000;
  const firstBucketUs = bucketStartUs(sinceUs, bucketUs);
  const bucketCount = (bucketStartUs(untilUs - 1, bucketUs) - firstBucketUs) / bucketUs + 1;
  if (bucketCount > MAX_ACTIVITY_BUCKETS) {
    badRequest(`invalid bucket: the window would have ${bucketCount} buckets of ${bucket}, at most ${MAX_ACTIVITY_BUCKETS}`, 'use a larger bucket or a shorter window');
  }
  const id = path.agent_id;
  return { agentId: id, filter: { orgId: scope.orgId, agentId: id, sinceUs, untilUs }, bucket, bucketUs, firstBucketUs, bucketCount };
}
