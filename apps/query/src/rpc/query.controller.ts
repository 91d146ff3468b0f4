import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  agentMemoriesRequestSchema,
  agentStatsRequestSchema,
  getMemoryRequestSchema,
  listMemoriesRequestSchema,
  QUERY_PATTERNS,
  renderContextRequestSchema,
  searchMemoriesRequestSchema,
  sessionMemoriesRequestSchema,
} from '@memtrace/contracts';
import { ContextQueryService } from '../context/context-query.service';
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
  ) {}

  @MessagePattern(QUERY_PATTERNS.listMemories)
  list(@Payload() data: unknown) {
    return this.memories.list(listMemoriesRequestSchema.parse(data));
  }

  @MessagePattern(QUERY_PATTERNS.getMemory)
  get(@Payload() data: unknown) {
    return this.memories.get(getMemoryRequestSchema.parse(data));
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

  @MessagePattern(QUERY_PATTERNS.renderContext)
  renderContext(@Payload() data: unknown) {
    return this.context.render(renderContextRequestSchema.parse(data));
  }
}
