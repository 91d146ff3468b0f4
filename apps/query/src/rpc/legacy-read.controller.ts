import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LEGACY_READ_PATTERNS, nowUs, ResponseOf } from '@memtrace/contracts';
import {
  toAgentActivityQuery,
  toAgentContextRequest,
  toAgentMemoriesQuery,
  toExportFilter,
  toForgetRequest,
  toListMemoriesQuery,
  toSearchQuery,
  toSessionContextRequest,
  toSessionMemoriesQuery,
} from '@memtrace/http';
import { AgentActivityService } from '../activity/agent-activity.service';
import { ContextQueryService } from '../context/context-query.service';
import { ErasureService } from '../erasures/erasure.service';
import { MemoryExportService } from '../memories/memory-export.service';
import { MemoryQueryService } from '../memories/memory-query.service';
import { parseRequest as parse } from './query-request.parse';
import { QueryMetricsInterceptor } from './query-metrics.interceptor';
import { QueryRpcFilter } from './query-rpc.filter';
import { QueryTracingInterceptor } from './query-tracing.interceptor';

/**
 * The read patterns of the previous release (`LEGACY_READ_PATTERNS`), which carry the request as
 * the client sent it: validated here with the gateway's own mappers (the same DTOs, messages and
 * check order), then answered as the current patterns are. Delete with the patterns.
 */
@Controller()
@UseFilters(QueryRpcFilter)
@UseInterceptors(QueryMetricsInterceptor, QueryTracingInterceptor)
export class LegacyReadController {
  constructor(
    private readonly memories: MemoryQueryService,
    private readonly context: ContextQueryService,
    private readonly activity: AgentActivityService,
    private readonly erasures: ErasureService,
    private readonly exports: MemoryExportService,
  ) {}

  @MessagePattern(LEGACY_READ_PATTERNS.listMemories)
  list(@Payload() data: unknown): Promise<ResponseOf<typeof LEGACY_READ_PATTERNS.listMemories>> {
    const { orgId, params } = parse(LEGACY_READ_PATTERNS.listMemories, data);
    return this.memories.list(orgId, toListMemoriesQuery(params, nowUs()));
  }

  @MessagePattern(LEGACY_READ_PATTERNS.forget)
  forget(@Payload() data: unknown): Promise<ResponseOf<typeof LEGACY_READ_PATTERNS.forget>> {
    const { orgId, body, actor } = parse(LEGACY_READ_PATTERNS.forget, data);
    const { filter, dryRun } = toForgetRequest(body, nowUs());
    return this.erasures.forget(orgId, filter, dryRun, actor);
  }

  @MessagePattern(LEGACY_READ_PATTERNS.exportPage)
  exportPage(@Payload() data: unknown): Promise<ResponseOf<typeof LEGACY_READ_PATTERNS.exportPage>> {
    const { orgId, params, nowUs: at, after } = parse(LEGACY_READ_PATTERNS.exportPage, data);
    return this.exports.page(orgId, toExportFilter(params, at), after);
  }

  @MessagePattern(LEGACY_READ_PATTERNS.searchMemories)
  search(@Payload() data: unknown): Promise<ResponseOf<typeof LEGACY_READ_PATTERNS.searchMemories>> {
    const { orgId, body } = parse(LEGACY_READ_PATTERNS.searchMemories, data);
    return this.memories.search(orgId, toSearchQuery(body, nowUs()));
  }

  @MessagePattern(LEGACY_READ_PATTERNS.agentMemories)
  agentMemories(@Payload() data: unknown): Promise<ResponseOf<typeof LEGACY_READ_PATTERNS.agentMemories>> {
    const { orgId, agentId, params } = parse(LEGACY_READ_PATTERNS.agentMemories, data);
    return this.memories.agentMemories(orgId, toAgentMemoriesQuery(agentId, params, nowUs()));
  }

  @MessagePattern(LEGACY_READ_PATTERNS.sessionMemories)
  sessionMemories(@Payload() data: unknown): Promise<ResponseOf<typeof LEGACY_READ_PATTERNS.sessionMemories>> {
    const { orgId, sessionId, params } = parse(LEGACY_READ_PATTERNS.sessionMemories, data);
    return this.memories.list(orgId, toSessionMemoriesQuery(sessionId, params, nowUs()));
  }

  @MessagePattern(LEGACY_READ_PATTERNS.agentActivity)
  agentActivity(@Payload() data: unknown): Promise<ResponseOf<typeof LEGACY_READ_PATTERNS.agentActivity>> {
    const { orgId, agentId, params } = parse(LEGACY_READ_PATTERNS.agentActivity, data);
    return this.activity.activity(orgId, toAgentActivityQuery(agentId, params, nowUs()));
  }

  @MessagePattern(LEGACY_READ_PATTERNS.renderContext)
  renderContext(@Payload() data: unknown): Promise<ResponseOf<typeof LEGACY_READ_PATTERNS.renderContext>> {
    const { orgId, subject, id, body } = parse(LEGACY_READ_PATTERNS.renderContext, data);
    const request = subject === 'session' ? toSessionContextRequest(id, body, nowUs()) : toAgentContextRequest(id, body, nowUs());
    return this.context.render(orgId, request.subject, request.query, request.maxTokens);
  }
}
