import { ActivityQuery, RawQueryParams, windowBuckets } from '@memtrace/contracts';
import { ACTIVITY_BUCKETS, activityWindowUs, AgentActivityQueryDto, DEFAULT_ACTIVITY_BUCKET } from './agent-activity.query.dto';
import { agentPath } from './path-params.dto';
import { checkRead, readQuery } from './read-request-validation';
import { badRequest } from './read-fields.util';

/** More buckets than this is a mistake (a year by the minute): refused before anything runs. */
export const MAX_ACTIVITY_BUCKETS = 5_000;

/**
 * `GET /api/v1/agents/:id/activity` (`AgentActivityQueryDto`): counts memories with
 * `since < time < until`. Every bad value is a 400 naming it, and so, last, is a window past
 * `MAX_ACTIVITY_BUCKETS` buckets.
 */
export function toAgentActivityQuery(agentId: string, params: RawQueryParams | undefined, nowUs: number): ActivityQuery {
  const path = agentPath(agentId);
  const dto = readQuery(AgentActivityQueryDto, params, { nowUs });
  checkRead(path, dto);
  const { sinceUs, untilUs } = activityWindowUs(dto.since, dto.until, nowUs)!;
  const bucket = dto.bucket || DEFAULT_ACTIVITY_BUCKET;
  const bucketUs = ACTIVITY_BUCKETS[bucket] * 1_000_000;
  const { bucketCount } = windowBuckets(sinceUs, untilUs, bucketUs);
  if (bucketCount > MAX_ACTIVITY_BUCKETS) {
    badRequest(`invalid bucket: the window would have ${bucketCount} buckets of ${bucket}, at most ${MAX_ACTIVITY_BUCKETS}`, 'use a larger bucket or a shorter window');
  }
  return { agentId: path.agent_id, sinceUs, untilUs, bucket, bucketUs };
}
