import { Injectable } from '@nestjs/common';
import { AgentActivityRequest, AgentActivityResponse } from '@memtrace/contracts';
import { AgentAliases } from '../agents/agent-aliases';
import { withAgentAliases } from '../agents/agent-scope';
import { readScopeNow as scope } from '../request-parsing/read-scope.util';
import { MemoryReader } from '../memories/memory-reader';
import { toActivityResponse } from './agent-activity.mapper';
import { toAgentActivityQuery } from './agent-activity-query.mapper';

/**
 * `GET /api/v1/agents/:id/activity` (new; the explorer's chart): memories per time bucket and type,
 * with the errors among them, counted by the store (one GROUP BY) plus the hot tier's rows the store
 * does not show yet. As stats, it covers the agent's aliases (its id and its name), and an unknown
 * agent is all zeros. The request is validated before anything is read.
 */
@Injectable()
export class AgentActivityService {
  constructor(
    private readonly reader: MemoryReader,
    private readonly aliases: AgentAliases,
  ) {}

  async activity(request: AgentActivityRequest): Promise<AgentActivityResponse> {
    const query = toAgentActivityQuery(request.agentId, request.params, scope(request.orgId));
    const aliases = await this.aliases.of(request.orgId, query.agentId);
    const cells = await this.reader.countByBucket(withAgentAliases(query.filter, aliases), query.bucketUs);
    return toActivityResponse(query, cells);
  }
}
