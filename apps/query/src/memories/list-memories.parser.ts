import { MemoryFilter, MemoryQuery } from '@memtrace/contracts';
import { optionalId, optionalType, parseOrder, requiredId, splitTags, tagList, withoutUndefined } from '../request-parsing/filter-fields.util';
import { QueryParams, queryInteger, queryValue } from '../request-parsing/query-params.util';
import { ReadScope } from '../request-parsing/read-scope.types';
import { DEFAULT_LIST_LIMIT, readLimit, readOffset } from '../request-parsing/read-limits.util';
import { DEFAULT_WINDOW, resolveSinceUs, resolveUntilUs } from '../request-parsing/time-window.util';

/**
 * `GET /api/v1/memories` (upstream §7.4). Every parameter optional; bad filter values are 400 with
 * upstream's messages. `limit`: default 100, `> 1000` → 1000; `offset`: default 0; `order`: `asc`
 * or `desc` (default). An unreadable, `<= 0` limit, a negative offset or another order is 400
 * (upstream silently used the defaults). Use `hasMore(count, query.limit)`.
 */
export function parseListMemoriesQuery(params: QueryParams | undefined, scope: ReadScope): MemoryQuery {
  const filter: MemoryFilter = {
    orgId: scope.orgId,
    agentId: optionalId('agent_id', queryValue(params, 'agent_id')),
    sessionId: optionalId('session_id', queryValue(params, 'session_id')),
    ...typeFilters(params),
    tags: tagList(splitTags(queryValue(params, 'tags'))),
    sinceUs: resolveSinceUs(queryValue(params, 'since'), scope.nowUs),
    untilUs: resolveUntilUs(queryValue(params, 'until'), scope.nowUs),
  };
  return {
    filter: withoutUndefined(filter),
    order: parseOrder(queryValue(params, 'order')),
    limit: listLimit(params),
    offset: readOffset(queryInteger(params, 'offset')),
  };
}

/**
 * `GET /api/v1/agents/:id/memories` (§7.10): the agent comes from the path (taken literally, no
 * name lookup); only `memory_type`, `event_type`, `since` (default and empty → 24h), `limit` and
 * `order` are honoured, as upstream; `offset`, `until`, `tags` and `session_id` are ignored.
 */
export function parseAgentMemoriesQuery(agentId: string, params: QueryParams | undefined, scope: ReadScope): MemoryQuery {
  const filter: MemoryFilter = {
    orgId: scope.orgId,
    agentId: requiredId('agent_id', agentId),
    ...typeFilters(params),
    sinceUs: resolveSinceUs(queryValue(params, 'since') || DEFAULT_WINDOW, scope.nowUs),
  };
  return { filter: withoutUndefined(filter), order: parseOrder(queryValue(params, 'order')), limit: listLimit(params) };
}

/**
 * `GET /api/v1/sessions/:id/memories` (§7.17): the session comes from the path; only `memory_type`,
 * `since` (no default), `limit` and `order` are honoured. The session's existence is not checked.
 */
export function parseSessionMemoriesQuery(sessionId: string, params: QueryParams | undefined, scope: ReadScope): MemoryQuery {
  const memoryType = optionalType('memory_type', queryValue(params, 'memory_type'));
  const filter: MemoryFilter = {
    orgId: scope.orgId,
    sessionId: requiredId('session_id', sessionId),
    memoryTypes: memoryType === undefined ? undefined : [memoryType],
    sinceUs: resolveSinceUs(queryValue(params, 'since'), scope.nowUs),
  };
  return { filter: withoutUndefined(filter), order: parseOrder(queryValue(params, 'order')), limit: listLimit(params) };
}

function typeFilters(params: QueryParams | undefined): Pick<MemoryFilter, 'memoryTypes' | 'eventTypes'> {
  // Pattern only, not the enum: an unknown memory_type is a valid filter that matches nothing (upstream).
  const memoryType = optionalType('memory_type', queryValue(params, 'memory_type'));
  const eventType = optionalType('event_type', queryValue(params, 'event_type'));
  return {
    memoryTypes: memoryType === undefined ? undefined : [memoryType],
    eventTypes: eventType === undefined ? undefined : [eventType],
  };
}

function listLimit(params: QueryParams | undefined): number {
  return readLimit(queryInteger(params, 'limit'), DEFAULT_LIST_LIMIT);
}
