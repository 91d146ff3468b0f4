import { MemoryFilter } from '@memtrace/contracts';
import { DEFAULT_WINDOW, parseRelativeWindowUs, validAgentId } from '@memtrace/http';
import { ReadScope } from '../request-parsing/read-scope.types';

/** The memory counts of `GET /api/v1/agents/:id/stats` (upstream §4.3, §7.11), as filters to count. */
export interface AgentStatsFilters {
  agentId: string;
  /** `memory_count` (all time) and, grouped by memory type, `memory_types`. */
  all: MemoryFilter;
  /** `memories_24h`. */
  last24h: MemoryFilter;
  /** `errors_24h`: `event_type = 'error'` in the last 24 h. */
  errors24h: MemoryFilter;
}

/**
 * The path id must match the ID pattern (400 `invalid agent_id: …`; upstream answered 500). An
 * unknown agent is not an error: its counts are 0, as upstream.
 */
export function agentStatsFilters(agentId: string, scope: ReadScope): AgentStatsFilters {
  const id = validAgentId(agentId);
  const all: MemoryFilter = { orgId: scope.orgId, agentId: id };
  const last24h: MemoryFilter = { ...all, sinceUs: scope.nowUs - (parseRelativeWindowUs(DEFAULT_WINDOW) as number) };
  return { agentId: id, all, last24h, errors24h: { ...last24h, eventTypes: ['error'] } };
}
