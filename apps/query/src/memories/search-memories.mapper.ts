import { MemoryFilter, MemoryQuery } from '@memtrace/contracts';
import { DEFAULT_SEARCH_LIMIT, filterValues, orderOf, readLimit, resolveSinceUs, resolveUntilUs, SearchMemoriesRequestDto, validateReadBody } from '@memtrace/http';
import { withoutUndefined } from '../request-parsing/filter-fields.util';
import { ReadScope } from '../request-parsing/read-scope.types';

/**
 * `POST /api/v1/search` (upstream §7.6), validated by `SearchMemoriesRequestDto`. An absent or
 * `null` body means all defaults; any other non-object, or a field of the wrong JSON type, is 400
 * `invalid request body: …`. `limit`: default 50, `> 1000` → 1000, `<= 0` is 400 as on the lists.
 * `min_importance` applies only when > 0. No offset.
 */
export function toSearchQuery(body: unknown, scope: ReadScope): MemoryQuery {
  const dto = validateReadBody(SearchMemoriesRequestDto, body);
  const filter: MemoryFilter = {
    orgId: scope.orgId,
    agentId: dto.agent_id || undefined,
    sessionId: dto.session_id || undefined,
    memoryTypes: filterValues(dto.memory_types),
    eventTypes: filterValues(dto.event_types),
    tags: filterValues(dto.tags),
    contentContains: dto.content_contains || undefined,
    // Upstream applied `importance >= x` only for x > 0; 0 and negatives mean no bound.
    minImportance: typeof dto.min_importance === 'number' && dto.min_importance > 0 ? dto.min_importance : undefined,
    sinceUs: resolveSinceUs(dto.since ?? '', scope.nowUs),
    untilUs: resolveUntilUs(dto.until ?? '', scope.nowUs),
  };
  return { filter: withoutUndefined(filter), order: orderOf(dto.order), limit: readLimit(dto.limit, DEFAULT_SEARCH_LIMIT) };
}
