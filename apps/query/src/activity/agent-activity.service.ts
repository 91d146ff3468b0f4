import { Injectable } from '@nestjs/common';
import { ActivityQuery, AgentActivityResponse } from '@memtrace/contracts';
import { AgentAliases } from '../agents/agent-aliases';
import { withAgentAliases } from '../agents/agent-scope';
import { MemoryReader } from '../memories/memory-reader';
import { toActivityResponse } from './agent-activity.mapper';

/**
 * `GET /api/v1/agents/:id/activity` (new; the explorer's chart): memories per time bucket and type,
 * with the errors among them, counted by the store (one GROUP BY) plus the hot tier's rows the store
 * does not show yet. As stats, it covers the agent's aliases (its id and its name), and an unknown
 * agent is all zeros.
 */
@Injectable()
export class AgentActivityService {
  constructor(
    private readonly reader: MemoryReader,
    private readonly aliases: AgentAliases,
  ) {}

  async activity(orgId: string, query: ActivityQuery): Promise<AgentActivityResponse> {
    const aliases = await this.aliases.of(orgId, query.agentId);
    const filter = { orgId, agentId: query.agentId, sinceUs: query.sinceUs, untilUs: query.untilUs };
    const cells = await this.reader.countByBucket(withAgentAliases(filter, aliases), query.bucketUs);
    return toActivityResponse(query, cells);
  }
}
