import { Injectable } from '@nestjs/common';
import { AgentRepository, agentAliases, SessionRepository } from '@memtrace/catalog';
import { AgentStatsRequest, AgentStatsResponse } from '@memtrace/contracts';
import { withAgentAliases } from '../agents/agent-scope';
import { MemoryReader } from '../memories/memory-reader';
import { readScopeNow as scope } from '../request-parsing/read-scope.util';
import { agentStatsFilters } from './agent-stats-filters.util';

/**
 * `GET /api/v1/agents/:id/stats` (upstream §4.3, §7.11): every field present, an unknown agent is
 * all zeros. Counts cover the agent's aliases (`AgentScope`), so they are the same by id and by name. Unlike upstream, a store failure is a 503 rather than silently-zero counts: a
 * dashboard showing 0 memories for an outage is worse than an error.
 */
@Injectable()
export class AgentStatsService {
  constructor(
    private readonly reader: MemoryReader,
    private readonly agents: AgentRepository,
    private readonly sessions: SessionRepository,
  ) {}

  async stats(request: AgentStatsRequest): Promise<AgentStatsResponse> {
    const filters = agentStatsFilters(request.agentId, scope(request.orgId));
    const agent = await this.agents.findByIdOrName(request.orgId, filters.agentId);
    const aliases = agentAliases(filters.agentId, agent);
    const [all, last24h, errors24h] = [filters.all, filters.last24h, filters.errors24h].map((filter) => withAgentAliases(filter, aliases));
    const [memoryCount, memories24h, errorCount, memoryTypes, sessions] = await Promise.all([
      this.reader.count(all),
      this.reader.count(last24h),
      this.reader.count(errors24h),
      this.reader.countByType(all),
      this.sessions.countByAgent(request.orgId, aliases),
    ]);
    const stats: AgentStatsResponse = {
      agent_id: filters.agentId,
      memory_count: memoryCount,
      memories_24h: memories24h,
      errors_24h: errorCount,
      session_count: sessions.total,
      active_sessions: sessions.active,
      memory_types: memoryTypes,
    };
    if (agent?.lastActiveAt) stats.last_active_at = agent.lastActiveAt.toISOString();
    return stats;
  }
}
