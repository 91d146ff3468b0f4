import { Injectable } from '@nestjs/common';
import { ContextResponse, ContextSubject, queryInOrg, ReadQuery } from '@memtrace/contracts';
import { AgentScope } from '../agents/agent-scope';
import { MemoryReader } from '../memories/memory-reader';
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

  /** `maxTokens` undefined renders every row (upstream ignored max_tokens). */
  async render(orgId: string, subject: ContextSubject, query: ReadQuery, maxTokens: number | undefined): Promise<ContextResponse> {
    const memories = await this.reader.query(await this.agentScope.widen(queryInOrg(orgId, query)));
    const rendered = this.renderer.render(memories, subject, maxTokens);
    const subjectField = subject.kind === 'session' ? { session_id: subject.id } : { agent_id: subject.id };
    return { ...subjectField, ...rendered };
  }
}
