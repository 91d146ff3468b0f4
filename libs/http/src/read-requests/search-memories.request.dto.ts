import { ID_PATTERN, ID_PATTERN_MESSAGE, TAG_PATTERN, TAG_PATTERN_MESSAGE, TYPE_PATTERN, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { JsonNumber, JsonString, JsonStringArray, Pattern } from '../validation/field-rules.decorator';
import { ORDER_DOCUMENT, SINCE_DESCRIPTION } from './list-memories.query.dto';
import { LIMIT_HINT, LIMIT_MESSAGE } from './read-limits';
import { AtLeast, EachValueMatches, JsonInteger, MaxFilterValues, readRule, rules, SortOrder, TimeBound } from './read-rules.decorator';

/** `content_contains` is free text the store escapes; this bounds the LIKE pattern, not the alphabet. */
export const MAX_CONTENT_CONTAINS_CHARS = 1000;

const id = (step: number) => rules(JsonString({ step }), Pattern(step + 1, ID_PATTERN, (_value, _limit, field) => `invalid ${field}: ${ID_PATTERN_MESSAGE}`));
const types = (step: number, label: string) =>
  rules(JsonStringArray({ step }), MaxFilterValues(step + 1), EachValueMatches(step + 2, TYPE_PATTERN, () => `${label}: ${TYPE_PATTERN_MESSAGE}`));

/** At most `MAX_CONTENT_CONTAINS_CHARS` code points; cheap bounds first (a code point is one or two UTF-16 units). */
function withinContentLimit(text: string): boolean {
  return !(text.length > 2 * MAX_CONTENT_CONTAINS_CHARS || (text.length > MAX_CONTENT_CONTAINS_CHARS && Array.from(text).length > MAX_CONTENT_CONTAINS_CHARS));
}

/**
 * `POST /api/v1/search` (upstream §7.6): every field optional, `null` is "not given", names folded
 * as Go matched them. A field of the wrong JSON type is 400 `invalid request body: …`. Steps: the
 * fields one after the other, each its type first, then its value.
 */
export class SearchMemoriesRequestDto {
  @ApiPropertyOptional({ type: String })
  @id(1)
  agent_id?: string | null;

  @ApiPropertyOptional({ type: String })
  @id(3)
  session_id?: string | null;

  @ApiPropertyOptional({ type: String, isArray: true })
  @types(5, 'invalid memory_type')
  memory_types?: string[] | null;

  @ApiPropertyOptional({ type: String, isArray: true })
  @types(8, 'invalid event_type')
  event_types?: string[] | null;

  @ApiPropertyOptional({ type: String, isArray: true, description: 'Every tag must match.' })
  @JsonStringArray({ step: 11 })
  @MaxFilterValues(12)
  @EachValueMatches(13, TAG_PATTERN, (tag) => `invalid tag '${tag}': ${TAG_PATTERN_MESSAGE}`)
  tags?: string[] | null;

  @ApiPropertyOptional({ type: String, description: 'Case-sensitive substring of the content.' })
  @JsonString({ step: 14 })
  // The store's SQL literals cannot carry NUL and drop it, which would widen the filter ("\u0000"
  // alone matched every memory): refuse it rather than answer rows that do not contain the text.
  @readRule({ name: 'noNul', step: 15, message: 'content_contains cannot contain NUL characters', valid: (text) => typeof text !== 'string' || !text.includes('\0') })
  @readRule({ name: 'maxCodePoints', step: 16, message: `content_contains is over ${MAX_CONTENT_CONTAINS_CHARS} characters`, valid: (text) => typeof text !== 'string' || withinContentLimit(text) })
  content_contains?: string | null;

  @ApiPropertyOptional({ type: Number, description: 'Applied when > 0.' })
  @JsonNumber({ step: 17 })
  min_importance?: number | null;

  @ApiPropertyOptional({ type: String, description: SINCE_DESCRIPTION })
  @JsonString({ step: 18 })
  @TimeBound(19)
  since?: string | null;

  @ApiPropertyOptional({ type: String })
  @JsonString({ step: 20 })
  @TimeBound(21, { allowNow: true })
  until?: string | null;

  @ApiPropertyOptional({ type: Number, default: 50, minimum: 1 })
  @JsonInteger(24)
  @AtLeast(25, 1, LIMIT_MESSAGE, LIMIT_HINT)
  limit?: number | null;

  @ApiPropertyOptional({ type: String, ...ORDER_DOCUMENT })
  @JsonString({ step: 22 })
  @SortOrder(23)
  order?: string | null;
}
