import { Injectable } from '@nestjs/common';
import { ContextResponse, RenderContextRequest } from '@memtrace/contracts';
import { AgentScope } from '../agents/agent-scope';
import { MemoryReader } from '../memories/memory-reader';
import { readScopeNow as scope } from '../request-parsing/read-scope.util';
import { toAgentContextRequest, toSessionContextRequest } from './context-request.mapper';
import { ContextRenderer } from './context.renderer';

/**
 * Session context (upstream §8) and agent context (new): the newest 100 matching memories, hot tier
 * included, rendered as upstream's markdown within the token budget (design §6).
 */
@Injectable()
export class ContextQueryService {
  private readonly renderer = new ContextRenderer();

  constructor(
    private readonly reader: MemoryReader,
    private readonly agentScope: AgentScope,
  ) {}

  async render(request: RenderContextRequest): Promise<ContextResponse> {
    const readScope = scope(request.orgId);
    const parsed =
      request.subject === 'session'
        ? toSessionContextRequest(request.id, request.body, readScope)
        : toAgentContextRequest(request.id, request.body, readScope);
    const memories = await this.reader.query(await this.agentScope.widen(parsed.query));
    const rendered = this.renderer.render(memories, parsed.subject, parsed.maxTokens);
    const subjectField = parsed.subject.kind === 'session' ? { session_id: parsed.subject.id } : { agent_id: parsed.subject.id };
    return { ...subjectField, ...rendered };
  }
}
