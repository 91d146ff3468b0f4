import { RawQueryParams, ReadFilter, ReadQuery } from '@memtrace/contracts';
import { AgentMemoriesQueryDto, ListMemoriesQueryDto, SessionMemoriesQueryDto } from './list-memories.query.dto';
import { agentPath, sessionPath } from './path-params.dto';
import { filterValues, orderOf } from './read-rules.decorator';
import { checkRead, readQuery, validateReadQuery } from './read-request-validation';
import { given, withoutUndefined } from './read-fields.util';
import { DEFAULT_LIST_LIMIT, readLimit, readOffset } from './read-limits';
import { DEFAULT_WINDOW, resolveSinceUs, resolveUntilUs } from './time-window';

/**
 * `GET /api/v1/memories` (upstream §7.4), validated by `ListMemoriesQueryDto`: bad values are 400
 * with upstream's messages. `limit`: default 100, `> 1000` → 1000; `offset`: default 0; `order`:
 * `asc` or `desc` (default). An unreadable, `<= 0` limit, a negative offset or another order is
 * 400 (upstream silently used the defaults). Windows resolve against `nowUs`.
 */
export function toListMemoriesQuery(params: RawQueryParams | undefined, nowUs: number): ReadQuery {
  const dto = validateReadQuery(ListMemoriesQueryDto, params);
  return { ...page(listFilter(dto, nowUs), dto), offset: readOffset(dto.offset) };
}

/** `GET /api/v1/export`: the list's filters, every matching row (list's paging parameters mean nothing here). */
export function toExportFilter(params: RawQueryParams | undefined, nowUs: number): ReadFilter {
  const { limit: _limit, offset: _offset, order: _order, ...filters } = params ?? {};
  return listFilter(validateReadQuery(ListMemoriesQueryDto, filters), nowUs);
}

function listFilter(dto: ListMemoriesQueryDto, nowUs: number): ReadFilter {
  return withoutUndefined({
    agentId: given(dto.agent_id),
    sessionId: given(dto.session_id),
    memoryTypes: filterValues([dto.memory_type]),
    eventTypes: filterValues([dto.event_type]),
    tags: filterValues(dto.tags, { csv: true }),
    sinceUs: resolveSinceUs(dto.since ?? '', nowUs),
    untilUs: resolveUntilUs(dto.until ?? '', nowUs),
  });
}

/**
 * `GET /api/v1/agents/:id/memories` (§7.10): the agent comes from the path (taken literally here;
 * the query service widens it to the agent's aliases); only `memory_type`, `event_type`, `since`
 * (default and empty → 24h), `limit` and `order` are honoured, as upstream; `offset`, `until`,
 * `tags` and `session_id` are ignored.
 */
export function toAgentMemoriesQuery(agentId: string, params: RawQueryParams | undefined, nowUs: number): ReadQuery & { filter: { agentId: string } } {
  const path = agentPath(agentId);
  const dto = readQuery(AgentMemoriesQueryDto, params);
  checkRead(path, dto);
  const sinceUs = resolveSinceUs(dto.since || DEFAULT_WINDOW, nowUs);
  return page({ agentId: path.agent_id, memoryTypes: filterValues([dto.memory_type]), eventTypes: filterValues([dto.event_type]), sinceUs }, dto);
}

/**
 * `GET /api/v1/sessions/:id/memories` (§7.17): the session comes from the path; only `memory_type`,
 * `since` (no default), `limit` and `order` are honoured. The session's existence is not checked.
 */
export function toSessionMemoriesQuery(sessionId: string, params: RawQueryParams | undefined, nowUs: number): ReadQuery & { filter: { sessionId: string } } {
  const path = sessionPath(sessionId);
  const dto = readQuery(SessionMemoriesQueryDto, params);
  checkRead(path, dto);
  return page({ sessionId: path.session_id, memoryTypes: filterValues([dto.memory_type]), sinceUs: resolveSinceUs(dto.since ?? '', nowUs) }, dto);
}

/** The query of a page of the list: the filter, and the order and limit the request gave or their defaults. */
function page<F extends ReadFilter>(filter: F, dto: { order?: string; limit?: string }): { filter: F; order: ReadQuery['order']; limit: number } {
  return { filter: withoutUndefined(filter), order: orderOf(dto.order), limit: readLimit(dto.limit, DEFAULT_LIST_LIMIT) };
}
