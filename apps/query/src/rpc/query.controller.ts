import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  agentActivityRequestSchema,
  agentMemoriesRequestSchema,
  agentStatsRequestSchema,
  getMemoryRequestSchema,
  deleteMemoryRequestSchema,
  eraseAgentMemoriesRequestSchema,
  existingIdsRequestSchema,
  exportPageRequestSchema,
  forgetRequestSchema,
  getErasureRequestSchema,
  listMemoriesRequestSchema,
  QUERY_PATTERNS,
  renderContextRequestSchema,
  searchMemoriesRequestSchema,
  sessionMemoriesRequestSchema,
} from '@memtrace/contracts';
import { AgentActivityService } from '../activity/agent-activity.service';
import { ContextQueryService } from '../context/context-query.service';
import { ErasureService } from '../erasures/erasure.service';
import { MemoryEraser } from '../memories/memory-eraser.service';
import { MemoryExportService } from '../memories/memory-export.service';
import { MemoryQueryService } from '../memories/memory-query.service';
import { AgentStatsService } from '../stats/agent-stats.service';
import { QueryRpcFilter } from './query-rpc.filter';
import { QueryMetricsInterceptor } from './query-metrics.interceptor';
import { QueryTracingInterceptor } from './query-tracing.interceptor';

/** The versioned message handlers: parse the contract, hand on. */
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
  list(@Payload() data: unknown) {
    return this.memories.list(listMemoriesRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.getMemory)
  get(@Payload() data: unknown) {
    return this.memories.get(getMemoryRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.deleteMemory)
  delete(@Payload() data: unknown) {
    return this.eraser.deleteOne(deleteMemoryRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.forget)
  forget(@Payload() data: unknown) {
    return this.erasures.forget(forgetRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.eraseAgentMemories)
  eraseAgentMemories(@Payload() data: unknown) {
    return this.erasures.eraseAgentMemories(eraseAgentMemoriesRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.getErasure)
  getErasure(@Payload() data: unknown) {
    return this.erasures.get(getErasureRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.exportPage)
  exportPage(@Payload() data: unknown) {
    return this.exports.page(exportPageRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.existingIds)
  existingIds(@Payload() data: unknown) {
    return this.exports.existingIds(existingIdsRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.searchMemories)
  search(@Payload() data: unknown) {
    return this.memories.search(searchMemoriesRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.agentMemories)
  agentMemories(@Payload() data: unknown) {
    return this.memories.agentMemories(agentMemoriesRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.sessionMemories)
  sessionMemories(@Payload() data: unknown) {
    return this.memories.sessionMemories(sessionMemoriesRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.agentStats)
  agentStats(@Payload() data: unknown) {
    return this.stats.stats(agentStatsRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.agentActivity)
  agentActivity(@Payload() data: unknown) {
    return this.activity.activity(agentActivityRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.renderContext)
  renderContext(@Payload() data: unknown) {
    return this.context.render(renderContextRequestSchema.parse(data));
  }
}
