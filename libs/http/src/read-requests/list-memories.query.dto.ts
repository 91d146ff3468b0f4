import { ApiPropertyOptional } from '@nestjs/swagger';
import { ID_PATTERN, ID_PATTERN_MESSAGE, MEMORY_TYPES, TAG_PATTERN, TAG_PATTERN_MESSAGE, TYPE_PATTERN, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import { Pattern } from '../validation/field-rules.decorator';
import { LIMIT_HINT, LIMIT_MESSAGE } from './read-limits';
import { AtLeast, EachValueMatches, MaxFilterValues, QueryInteger, QueryValue, rules, SortOrder, TimeBound } from './read-rules.decorator';

/**
 * The query strings of the memory lists (upstream §7.4, §7.10, §7.17), validated by the query
 * service (the gateway passes them on as they came), documented by the gateway's OpenAPI. Each
 * value is one string (a repeated parameter is 400); `""` means "not given". Steps: the order in
 * which the lists check their parameters (the path id is step 10, `PATH_ID_STEP`).
 */

export const SINCE_DESCRIPTION = 'A relative window (`24h`, `7d`, `30m`) or an RFC 3339 timestamp: memories after it.';
export const ORDER_DOCUMENT = { enum: ['asc', 'desc'], default: 'desc' };
const TAGS_HINT = 'pass several tags comma-separated: tags=a,b';

const idParam = (step: number) => rules(QueryValue(step), Pattern(step + 1, ID_PATTERN, (_value, _limit, field) => `invalid ${field}: ${ID_PATTERN_MESSAGE}`));
// Pattern only, not the enum: an unknown memory_type is a valid filter that matches nothing (upstream).
const typeParam = (step: number) => rules(QueryValue(step), Pattern(step + 1, TYPE_PATTERN, (_value, _limit, field) => `invalid ${field}: ${TYPE_PATTERN_MESSAGE}`));
const sinceParam = (step: number) => rules(QueryValue(step), TimeBound(step + 1));
const orderParam = (step: number) => rules(QueryValue(step), SortOrder(step + 1));
const limitParam = (step: number) => rules(QueryValue(step), QueryInteger(step + 1), AtLeast(step + 2, 1, LIMIT_MESSAGE, LIMIT_HINT));

/** `GET /api/v1/memories`: every parameter optional. */
export class ListMemoriesQueryDto {
  @ApiPropertyOptional({ type: String })
  @idParam(1)
  agent_id?: string;

  @ApiPropertyOptional({ type: String })
  @idParam(3)
  session_id?: string;

  @ApiPropertyOptional({ type: String, enum: [...MEMORY_TYPES] })
  @typeParam(5)
  memory_type?: string;

  @ApiPropertyOptional({ type: String })
  @typeParam(7)
  event_type?: string;

  @ApiPropertyOptional({ type: String, description: 'Comma-separated; every tag must match.' })
  @QueryValue(9, TAGS_HINT)
  @MaxFilterValues(10, { csv: true })
  @EachValueMatches(11, TAG_PATTERN, (tag) => `invalid tag '${tag}': ${TAG_PATTERN_MESSAGE}`, { csv: true })
  tags?: string;

  @ApiPropertyOptional({ type: String, description: SINCE_DESCRIPTION })
  @sinceParam(12)
  since?: string;

  @ApiPropertyOptional({ type: String, description: 'As `since`, an upper bound; `now` or empty: none.' })
  @QueryValue(14)
  @TimeBound(15, { allowNow: true })
  until?: string;

  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1 })
  @limitParam(18)
  limit?: string;

  @ApiPropertyOptional({ type: Number, default: 0, minimum: 0 })
  @QueryValue(21)
  @QueryInteger(22)
  @AtLeast(23, 0, 'invalid offset: must be at least 0')
  offset?: string;

  @ApiPropertyOptional({ type: String, ...ORDER_DOCUMENT })
  @orderParam(16)
  order?: string;
}

/** `GET /api/v1/agents/:id/memories`: the agent from the path; `offset`, `until`, `tags` and `session_id` are ignored. */
export class AgentMemoriesQueryDto {
  @ApiPropertyOptional({ type: String, enum: [...MEMORY_TYPES] })
  @typeParam(20)
  memory_type?: string;

  @ApiPropertyOptional({ type: String })
  @typeParam(22)
  event_type?: string;

  @ApiPropertyOptional({ type: String, description: SINCE_DESCRIPTION, default: '24h' })
  @sinceParam(24)
  since?: string;

  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1 })
  @limitParam(28)
  limit?: string;

  @ApiPropertyOptional({ type: String, ...ORDER_DOCUMENT })
  @orderParam(26)
  order?: string;
}

/** `GET /api/v1/sessions/:id/memories`: `memory_type` is checked before the path's session id, as upstream. */
export class SessionMemoriesQueryDto {
  @ApiPropertyOptional({ type: String, enum: [...MEMORY_TYPES] })
  @typeParam(1)
  memory_type?: string;

  @ApiPropertyOptional({ type: String, description: SINCE_DESCRIPTION })
  @sinceParam(20)
  since?: string;

  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1 })
  @limitParam(24)
  limit?: string;

  @ApiPropertyOptional({ type: String, ...ORDER_DOCUMENT })
  @orderParam(22)
  order?: string;
}
