import { ApiPropertyOptional } from '@nestjs/swagger';
import { SINCE_DESCRIPTION } from './list-memories.query.dto';
import { nowOf } from './read-request-validation';
import { QueryValue, readRule, TimeBound } from './read-rules.decorator';
import { DEFAULT_WINDOW, resolveSinceUs, resolveUntilUs, timeBoundProblem } from './time-window';

/** The bucket sizes a client may ask for, in seconds: enough for a chart from an hour to a year. */
export const ACTIVITY_BUCKETS: Readonly<Record<string, number>> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3_600, '6h': 21_600, '1d': 86_400 };

export const DEFAULT_ACTIVITY_BUCKET = '1h';

/**
 * The window of a request whose `since`/`until` passed their rules: `since` default 24h, `until`
 * default (and `now`) now. Undefined while either is still unchecked or refused.
 */
export function activityWindowUs(since: unknown, until: unknown, nowUs: number): { sinceUs: number; untilUs: number } | undefined {
  const sinceText = since ?? '';
  const untilText = until ?? '';
  if (typeof sinceText !== 'string' || typeof untilText !== 'string') return undefined;
  if (timeBoundProblem(sinceText, false) !== undefined || timeBoundProblem(untilText, true) !== undefined) return undefined;
  return { sinceUs: resolveSinceUs(sinceText || DEFAULT_WINDOW, nowUs) as number, untilUs: resolveUntilUs(untilText, nowUs) ?? nowUs };
}

/**
 * `GET /api/v1/agents/:id/activity?since=&until=&bucket=` (new; the explorer's chart). `since` as on
 * the lists (a window back from now or a timestamp; default `24h`), `until` the same (default and
 * `now`: now) and after `since`, `bucket` one of `ACTIVITY_BUCKETS` (default `1h`). Validated with
 * the request's clock (`nowUs`). Steps after the path id (10), in the order they were checked.
 */
export class AgentActivityQueryDto {
  @ApiPropertyOptional({ type: String, description: SINCE_DESCRIPTION, default: '24h' })
  @QueryValue(20)
  @TimeBound(21)
  since?: string;

  @ApiPropertyOptional({ type: String, description: 'As `since`, an upper bound after it; `now` or empty: now.' })
  @QueryValue(22)
  @TimeBound(23, { allowNow: true })
  @readRule({
    name: 'afterSince',
    always: true,
    step: 24,
    hint: 'e.g. since=7d&until=1d, or two timestamps in order',
    message: 'invalid until: must be after since',
    valid: (until, object) => {
      const window = activityWindowUs((object as AgentActivityQueryDto).since, until, nowOf(object));
      return window === undefined || window.untilUs > window.sinceUs;
    },
  })
  until?: string;

  @ApiPropertyOptional({ type: String, enum: Object.keys(ACTIVITY_BUCKETS), default: DEFAULT_ACTIVITY_BUCKET })
  @QueryValue(25)
  @readRule({
    name: 'activityBucket',
    step: 26,
    message: (bucket: string) => `invalid bucket: '${bucket.slice(0, 16)}' is not one of ${Object.keys(ACTIVITY_BUCKETS).join(', ')}`,
    valid: (bucket) => typeof bucket !== 'string' || Object.hasOwn(ACTIVITY_BUCKETS, bucket || DEFAULT_ACTIVITY_BUCKET),
  })
  bucket?: string;
}
