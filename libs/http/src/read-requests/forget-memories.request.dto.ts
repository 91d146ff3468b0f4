import { ID_PATTERN, ID_PATTERN_MESSAGE, TAG_PATTERN, TAG_PATTERN_MESSAGE, TYPE_PATTERN, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Pattern } from '../validation/field-rules.decorator';
import { SINCE_DESCRIPTION } from './list-memories.query.dto';
import { EachValueMatches, MaxFilterValues, rules, TimeBound } from './read-rules.decorator';
import { NoUnknownFields, StrictBoolean, StrictString, StrictStringArray, StrictStringOrStrings } from './strict-body';

const id = (step: number) => rules(StrictString(1), Pattern(step, ID_PATTERN, (_value, _limit, field) => `invalid ${field}: ${ID_PATTERN_MESSAGE}`));
const types = (step: number, field: string) =>
  rules(StrictStringOrStrings(1), MaxFilterValues(step, { oneOrMany: true }), EachValueMatches(step + 1, TYPE_PATTERN, (type) => `invalid ${field} '${type}': ${TYPE_PATTERN_MESSAGE}`, { oneOrMany: true }));

/**
 * `POST /api/v1/memories/forget` (new), a strict body (`validateStrictBody`): the filters as
 * `GET /api/v1/memories` reads them (`agent_id` exact, tags all required, `since`/`until` relative
 * windows or timestamps, exclusive), with `memory_type`/`event_type` as one value or a list. Every
 * JSON type and unknown field is step 1–2 (named together); the values follow, one at a time.
 */
export class ForgetMemoriesRequestDto {
  @ApiPropertyOptional({ type: String })
  @id(10)
  agent_id?: string;

  @ApiPropertyOptional({ type: String })
  @id(11)
  session_id?: string;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  @types(12, 'memory_type')
  memory_type?: string | string[];

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  @types(14, 'event_type')
  event_type?: string | string[];

  @ApiPropertyOptional({ type: String, isArray: true, description: 'Every tag must match.' })
  @StrictStringArray(1)
  @MaxFilterValues(16)
  @EachValueMatches(17, TAG_PATTERN, (tag) => `invalid tag '${tag}': ${TAG_PATTERN_MESSAGE}`)
  tags?: string[];

  @ApiPropertyOptional({ type: String, description: SINCE_DESCRIPTION })
  @StrictString(1)
  @TimeBound(18)
  since?: string;

  @ApiPropertyOptional({ type: String, description: 'As `since`, an upper bound; `now` or empty: none.' })
  @StrictString(1)
  @TimeBound(19, { allowNow: true })
  until?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Count what would be erased, erase nothing.' })
  @StrictBoolean(1)
  @NoUnknownFields(2)
  dry_run?: boolean;
}
