import { Injectable } from '@nestjs/common';
import {
  AgentMemoriesRequest,
  GetMemoryRequest,
  ListMemoriesRequest,
  MemoryListResponse,
  MemoryQuery,
  SearchMemoriesRequest,
  SearchResponse,
  SessionMemoriesRequest,
  toMemoryWire,
  AppError,
  MEMORY_ID_PATTERN,
} from '@memtrace/contracts';
import { AgentScope } from '../agents/agent-scope';
import { hasMore } from '../request-parsing/read-limits.util';
import { readScopeNow as scope } from '../request-parsing/read-scope.util';
import { toAgentMemoriesQuery, toListMemoriesQuery, toSessionMemoriesQuery } from './list-memories.mapper';
import { MemoryReader } from './memory-reader';
import { toSearchQuery } from './search-memories.mapper';

/** The memory reads of the REST API (upstream §7.4–§7.6, §7.10, §7.17), envelopes as §4.6. */
@Injectable()
export class MemoryQueryService {
  constructor(
    private readonly reader: MemoryReader,
    private readonly agentScope: AgentScope,
  ) {}

  list(request: ListMemoriesRequest): Promise<MemoryListResponse> {
    return this.page(toListMemoriesQuery(request.params, scope(request.orgId)));
  }

  async agentMemories(request: AgentMemoriesRequest): Promise<MemoryListResponse> {
    return this.page(await this.agentScope.widen(toAgentMemoriesQuery(request.agentId, request.params, scope(request.orgId))));
  }

  sessionMemories(request: SessionMemoriesRequest): Promise<MemoryListResponse> {
    return this.page(toSessionMemoriesQuery(request.sessionId, request.params, scope(request.orgId)));
  }

  /** Memory ids are UUIDs (v7); anything else cannot name a memory, so it is a 404 without a query. */
  async get(request: GetMemoryRequest) {
    if (!MEMORY_ID_PATTERN.test(request.id)) throw new AppError('not_found', 'memory not found');
    const [record] = await this.reader.query({ filter: { orgId: request.orgId, ids: [request.id.toLowerCase()] }, order: 'desc', limit: 1 });
    if (!record) throw new AppError('not_found', 'memory not found');
    return toMemoryWire(record);
  }

  async search(request: SearchMemoriesRequest): Promise<SearchResponse> {
    const started = performance.now();
    const records = await this.reader.query(toSearchQuery(request.body, scope(request.orgId)));
    const results = records.map(toMemoryWire);
    // An integer, as every SDK expects.
    return { results, count: results.length, query_time_ms: Math.round(performance.now() - started) };
  }

  private async page(query: MemoryQuery): Promise<MemoryListResponse> {
    const memories = (await this.reader.query(query)).map(toMemoryWire);
    return { memories, count: memories.length, has_more: hasMore(memories.length, query.limit) };
  }
}
