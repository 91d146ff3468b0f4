import { TYPE_PATTERN, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { JsonString, JsonStringArray } from '../validation/field-rules.decorator';
import { EachValueMatches, MaxFilterValues, readRule, TimeBound } from './read-rules.decorator';

/** Larger budgets are clamped: 100 capped lines never come near it, so it only bounds silly input. */
export const MAX_CONTEXT_TOKENS = 200_000;

/**
 * `POST /api/v1/sessions/:id/context` (upstream §8) and `POST /api/v1/agents/:id/context`: the body
 * is optional (absent or `null`, the Go SDK's nil options: since 24h, all types, no budget). It is
 * validated as search is: a field of the wrong type, or a `since` that is neither a window in
 * range nor a timestamp, is 400 (upstream fell back to the defaults, hiding the client's mistake).
 * Steps after the path id (10): `since`'s type, `include_types`, then `since`'s value, as upstream
 * read `since` first and resolved it last.
 */
export class ContextRequestDto {
  @ApiPropertyOptional({ type: String, description: 'A relative window; default 24h.', default: '24h' })
  @JsonString({ step: 20 })
  @TimeBound(24)
  since?: string | null;

  @ApiPropertyOptional({ type: String, isArray: true, description: 'Memory types to include; default all.' })
  @JsonStringArray({ step: 21 })
  @MaxFilterValues(22)
  @EachValueMatches(23, TYPE_PATTERN, (type) => `invalid include_type '${type}': ${TYPE_PATTERN_MESSAGE}`)
  include_types?: string[] | null;

  /** A positive integer; `0` (the Go SDK's zero value) and `null` mean no budget. */
  @ApiPropertyOptional({ type: Number, description: 'Token budget of the rendered block.' })
  @readRule({
    name: 'maxTokens',
    step: 25,
    message: 'invalid request body: max_tokens must be a positive integer',
    valid: (value) => value === 0 || (typeof value === 'number' && Number.isInteger(value) && value >= 0),
  })
  max_tokens?: number | null;
}
