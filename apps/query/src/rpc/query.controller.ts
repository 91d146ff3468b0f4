import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ParsedRequestOf, QUERY_PATTERNS, QUERY_REQUEST_SCHEMAS, QueryPattern, ResponseOf } from '@memtrace/contracts';
import { AgentActivityService } from '../activity/agent-activity.service';
import { ContextQueryService } from '../context/context-query.service';
import { ErasureService } from '../erasures/erasure.service';
import { MemoryEraser } from '../memories/memory-eraser';
import { MemoryExportService } from '../memories/memory-export.service';
import { MemoryQueryService } from '../memories/memory-query.service';
import { AgentStatsService } from '../stats/agent-stats.service';
import { QueryRpcFilter } from './query-rpc.filter';
import { QueryMetricsInterceptor } from './query-metrics.interceptor';
import { QueryTracingInterceptor } from './query-tracing.interceptor';

/** A message parsed with its pattern's schema (a failure is the filter's `internal`: a gateway of another version). */
function parse<P extends QueryPattern>(pattern: P, data: unknown): ParsedRequestOf<P> {
  return QUERY_REQUEST_SCHEMAS[pattern].parse(data) as ParsedRequestOf<P>;
}

/** The versioned message handlers: parse the contract, hand on; each answers its pattern's response type. */
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
    return this.memories.list(parse(QUERY_PATTERNS.listMemories, data));
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
    return this.erasures.forget(parse(QUERY_PATTERNS.forget, data));
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
    return this.exports.page(parse(QUERY_PATTERNS.exportPage, data));
  }

  @MessagePattern(QUERY_PATTERNS.existingIds)
  existingIds(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.existingIds>> {
    return this.exports.existingIds(parse(QUERY_PATTERNS.existingIds, data));
  }

  @MessagePattern(QUERY_PATTERNS.searchMemories)
  search(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.searchMemories>> {
    return this.memories.search(parse(QUERY_PATTERNS.searchMemories, data));
  }

  @MessagePattern(QUERY_PATTERNS.agentMemories)
  agentMemories(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.agentMemories>> {
    return this.memories.agentMemories(parse(QUERY_PATTERNS.agentMemories, data));
  }

  @MessagePattern(QUERY_PATTERNS.sessionMemories)
  sessionMemories(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.sessionMemories>> {
    return this.memories.sessionMemories(parse(QUERY_PATTERNS.sessionMemories, data));
  }

  @MessagePattern(QUERY_PATTERNS.agentStats)
  agentStats(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.agentStats>> {
    return this.stats.stats(parse(QUERY_PATTERNS.agentStats, data));
  }

  @MessagePattern(QUERY_PATTERNS.agentActivity)
  agentActivity(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.agentActivity>> {
    return this.activity.activity(parse(QUERY_PATTERNS.agentActivity, data));
  }

  @MessagePattern(QUERY_PATTERNS.renderContext)
  renderContext(@Payload() data: unknown): Promise<ResponseOf<typeof QUERY_PATTERNS.renderContext>> {
    return this.context.render(parse(QUERY_PATTERNS.renderContext, data));
  }
}
