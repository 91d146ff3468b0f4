import { MemoryFilter, MemoryQuery, RawQueryParams } from '@memtrace/contracts';
import {
  agentPath,
  AgentMemoriesQueryDto,
  checkRead,
  DEFAULT_LIST_LIMIT,
  DEFAULT_WINDOW,
  filterValues,
  ListMemoriesQueryDto,
  orderOf,
  readLimit,
  readOffset,
  readQuery,
  resolveSinceUs,
  resolveUntilUs,
  SessionMemoriesQueryDto,
  sessionPath,
  validateReadQuery,
} from '@memtrace/http';
import { ReadScope } from '../request-parsing/read-scope.types';
import { withoutUndefined } from '../request-parsing/filter-fields.util';

/**
 * `GET /api/v1/memories` (upstream §7.4), validated by `ListMemoriesQueryDto`: bad values are 400
 * with upstream's messages. `limit`: default 100, `> 1000` → 1000; `offset`: default 0; `order`:
 * `asc` or `desc` (default). An unreadable, `<= 0` limit, a negative offset or another order is
 * 400 (upstream silently used the defaults). Use `hasMore(count, query.limit)`.
 */
export function toListMemoriesQuery(params: RawQueryParams | undefined, scope: ReadScope): MemoryQuery {
  const dto = validateReadQuery(ListMemoriesQueryDto, params);
  const filter: MemoryFilter = {
    orgId: scope.orgId,
    agentId: given(dto.agent_id),
    sessionId: given(dto.session_id),
    memoryTypes: filterValues([dto.memory_type]),
    eventTypes: filterValues([dto.event_type]),
    tags: filterValues(dto.tags, { csv: true }),
    sinceUs: resolveSinceUs(dto.since ?? '', scope.nowUs),
    untilUs: resolveUntilUs(dto.until ?? '', scope.nowUs),
  };
  return { ...page(filter, dto), offset: readOffset(dto.offset) };
}

/**
 * `GET /api/v1/agents/:id/memories` (§7.10): the agent comes from the path (taken literally, no
 * name lookup); only `memory_type`, `event_type`, `since` (default and empty → 24h), `limit` and
 * `order` are honoured, as upstream; `offset`, `until`, `tags` and `session_id` are ignored.
 */
export function toAgentMemoriesQuery(agentId: string, params: RawQueryParams | undefined, scope: ReadScope): MemoryQuery {
  const path = agentPath(agentId);
  const dto = readQuery(AgentMemoriesQueryDto, params);
  checkRead(path, dto);
  const filter: MemoryFilter = {
    orgId: scope.orgId,
    agentId: path.agent_id,
    memoryTypes: filterValues([dto.memory_type]),
    eventTypes: filterValues([dto.event_type]),
    sinceUs: resolveSinceUs(dto.since || DEFAULT_WINDOW, scope.nowUs),
  };
  return page(filter, dto);
}

/**
 * `GET /api/v1/sessions/:id/memories` (§7.17): the session comes from the path; only `memory_type`,
 * `since` (no default), `limit` and `order` are honoured. The session's existence is not checked.
 */
export function toSessionMemoriesQuery(sessionId: string, params: RawQueryParams | undefined, scope: ReadScope): MemoryQuery {
  const path = sessionPath(sessionId);
  const dto = readQuery(SessionMemoriesQueryDto, params);
  checkRead(path, dto);
  const filter: MemoryFilter = {
    orgId: scope.orgId,
    sessionId: path.session_id,
    memoryTypes: filterValues([dto.memory_type]),
    sinceUs: resolveSinceUs(dto.since ?? '', scope.nowUs),
  };
  return page(filter, dto);
}

/** The query of a page of the list: the filter, and the order and limit the request gave or their defaults. */
function page(filter: MemoryFilter, dto: { order?: string; limit?: string }): MemoryQuery {
  return { filter: withoutUndefined(filter), order: orderOf(dto.order), limit: readLimit(dto.limit, DEFAULT_LIST_LIMIT) };
}

/** `""` (and absent) is "not given". */
function given(value: string | null | undefined): string | undefined {
  return value ? value : undefined;
}
