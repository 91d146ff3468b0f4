import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { QUERY_PATTERNS, ResponseOf } from '@memtrace/contracts';
import { AgentActivityService } from '../activity/agent-activity.service';
import { ContextQueryService } from '../context/context-query.service';
import { ErasureService } from '../erasures/erasure.service';
import { MemoryEraser } from '../memories/memory-eraser';
import { MemoryExportService } from '../memories/memory-export.service';
import { MemoryQueryService } from '../memories/memory-query.service';
import { AgentStatsService } from '../stats/agent-stats.service';
import { parseRequest as parse } from './query-request.parse';
import { QueryRpcFilter } from './query-rpc.filter';
import { QueryMetricsInterceptor } from './query-metrics.interceptor';
import { QueryTracingInterceptor } from './query-tracing.interceptor';

/**
 * The versioned message handlers: parse the contract, hand on; each answers its pattern's response
 * type. Read requests arrive validated by the gateway; the previous release's raw-input patterns
 * are `LegacyReadController`'s.
 */
@Controller()
@UseFilters(QueryRpcFilter)
@UseInterceptors(QueryMetricsInterceptor, QueryTracingInterceptor)
export class QueryController {
  constructor(
    private readonly memories: MemoryQueryService,
    private readonly stats: AgentStatsService,
    private readonly context: ContextQueryService,
    private readonly activity: AgentActivityService,
    private readonly eraser: MemoryEraser,
    private readonly erasures: ErasureService,
    private readonly exports: MemoryExportService,
  ) {}

  @MessagePattern(QUERY_PATTERNS.listMemories)
  list(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.listMemories>> {
    const { orgId, query } = parse(QUERY_PATTERNS.listMemories, data);
    return this.memories.list(orgId, query);
  }

  @MessagePattern(QUERY_PATTERNS.getMemory)
  get(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.getMemory>> {
    return this.memories.get(parse(QUERY_PATTERNS.getMemory, data));
  }

  @MessagePattern(QUERY_PATTERNS.deleteMemory)
  delete(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.deleteMemory>> {
    return this.eraser.deleteOne(parse(QUERY_PATTERNS.deleteMemory, data));
  }

  @MessagePattern(QUERY_PATTERNS.forget)
  forget(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.forget>> {
    const { orgId, filter, dryRun, actor } = parse(QUERY_PATTERNS.forget, data);
    return this.erasures.forget(orgId, filter, dryRun, actor);
  }

  @MessagePattern(QUERY_PATTERNS.eraseAgentMemories)
  eraseAgentMemories(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.eraseAgentMemories>> {
    return this.erasures.eraseAgentMemories(parse(QUERY_PATTERNS.eraseAgentMemories, data));
  }

  @MessagePattern(QUERY_PATTERNS.getErasure)
  getErasure(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.getErasure>> {
    return this.erasures.get(parse(QUERY_PATTERNS.getErasure, data));
  }

  @MessagePattern(QUERY_PATTERNS.exportPage)
  exportPage(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.exportPage>> {
    const { orgId, filter, after } = parse(QUERY_PATTERNS.exportPage, data);
    return this.exports.page(orgId, filter, after);
  }

  @MessagePattern(QUERY_PATTERNS.existingIds)
  existingIds(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.existingIds>> {
    return this.exports.existingIds(parse(QUERY_PATTERNS.existingIds, data));
  }

  @MessagePattern(QUERY_PATTERNS.searchMemories)
  search(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.searchMemories>> {
    const { orgId, query } = parse(QUERY_PATTERNS.searchMemories, data);
    return this.memories.search(orgId, query);
  }

  @MessagePattern(QUERY_PATTERNS.agentMemories)
  agentMemories(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.agentMemories>> {
    const { orgId, query } = parse(QUERY_PATTERNS.agentMemories, data);
    return this.memories.agentMemories(orgId, query);
  }

  @MessagePattern(QUERY_PATTERNS.sessionMemories)
  sessionMemories(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.sessionMemories>> {
    const { orgId, query } = parse(QUERY_PATTERNS.sessionMemories, data);
    return this.memories.list(orgId, query);
  }

  @MessagePattern(QUERY_PATTERNS.agentStats)
  agentStats(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.agentStats>> {
    return this.stats.stats(parse(QUERY_PATTERNS.agentStats, data));
  }

  @MessagePattern(QUERY_PATTERNS.agentActivity)
  agentActivity(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.agentActivity>> {
    const { orgId, query } = parse(QUERY_PATTERNS.agentActivity, data);
    return this.activity.activity(orgId, query);
  }

  @MessagePattern(QUERY_PATTERNS.renderContext)
  renderContext(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.renderContext>> {
    const { orgId, subject, query, maxTokens } = parse(QUERY_PATTERNS.renderContext, data);
    return this.context.render(orgId, subject, query, maxTokens);
  }
}
