import { Injectable } from '@nestjs/common';
import { MemoryFilter, MemoryQuery } from '@memtrace/contracts';
import { AgentAliases } from './agent-aliases';

/**
 * Agent-scoped reads (an agent's memories, context and stats) match the memories written under any
 * of the agent's aliases, its id or its name, as its sessions do: memories and sessions carry a
 * free-form agent id, and `GET /agents/:id` accepts either. The field filter of `GET /memories?agent_id=`
 * stays an exact match, as upstream.
 */
@Injectable()
export class AgentScope {
  constructor(private readonly aliases: AgentAliases) {}

  /** `query` with its `agentId` widened to the agent's aliases. */
  async widen(query: MemoryQuery): Promise<MemoryQuery> {
    const { agentId, orgId } = query.filter;
    if (agentId === undefined) return query;
    return { ...query, filter: withAgentAliases(query.filter, await this.aliases.of(orgId, agentId)) };
  }
}

/** `filter` with its single `agentId` replaced by any of `aliases`. */
export function withAgentAliases(filter: MemoryFilter, aliases: string[]): MemoryFilter {
  const { agentId: _replaced, ...rest } = filter;
  return { ...rest, agentIds: aliases };
}
