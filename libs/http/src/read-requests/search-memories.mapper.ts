import { ReadQuery } from '@memtrace/contracts';
import { filterValues, orderOf } from './read-rules.decorator';
import { validateReadBody } from './read-request-validation';
import { given, withoutUndefined } from './read-fields.util';
import { DEFAULT_SEARCH_LIMIT, readLimit } from './read-limits';
import { SearchMemoriesRequestDto } from './search-memories.request.dto';
import { resolveSinceUs, resolveUntilUs } from './time-window';

/**
 * `POST /api/v1/search` (upstream §7.6), validated by `SearchMemoriesRequestDto`. An absent or
 * `null` body means all defaults; any other non-object, or a field of the wrong JSON type, is 400
 * `invalid request body: …`. `limit`: default 50, `> 1000` → 1000, `<= 0` is 400 as on the lists.
 * `min_importance` applies only when > 0. No offset.
 */
export function toSearchQuery(body: unknown, nowUs: number): ReadQuery {
  const dto = validateReadBody(SearchMemoriesRequestDto, body);
  const filter = withoutUndefined({
    agentId: given(dto.agent_id),
    sessionId: given(dto.session_id),
    memoryTypes: filterValues(dto.memory_types),
    eventTypes: filterValues(dto.event_types),
    tags: filterValues(dto.tags),
    contentContains: given(dto.content_contains),
    // Upstream applied `importance >= x` only for x > 0; 0 and negatives mean no bound.
    minImportance: typeof dto.min_importance === 'number' && dto.min_importance > 0 ? dto.min_importance : undefined,
    sinceUs: resolveSinceUs(dto.since ?? '', nowUs),
    untilUs: resolveUntilUs(dto.until ?? '', nowUs),
  });
  return { filter, order: orderOf(dto.order), limit: readLimit(dto.limit, DEFAULT_SEARCH_LIMIT) };
}
