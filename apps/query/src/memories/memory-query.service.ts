import { Injectable } from '@nestjs/common';
import { AppError, GetMemoryRequest, MEMORY_ID_PATTERN, MemoryListResponse, MemoryQuery, queryInOrg, ReadQuery, SearchResponse, toMemoryWire } from '@memtrace/contracts';
import { AgentScope } from '../agents/agent-scope';
import { hasMore } from '../request-parsing/read-limits.util';
import { MemoryReader } from './memory-reader';

/** The memory reads of the REST API (upstream §7.4–§7.6, §7.10, §7.17), envelopes as §4.6. */
@Injectable()
export class MemoryQueryService {
  constructor(
    private readonly reader: MemoryReader,
    private readonly agentScope: AgentScope,
  ) {}

  /** The lists and a session's memories: `query` as validated by the gateway. */
  list(orgId: string, query: ReadQuery): Promise<MemoryListResponse> {
    return this.page(queryInOrg(orgId, query));
  }

  /** An agent's memories: `query.filter.agentId` widened to the agent's aliases. */
  async agentMemories(orgId: string, query: ReadQuery): Promise<MemoryListResponse> {
    return this.page(await this.agentScope.widen(queryInOrg(orgId, query)));
  }

  /** Memory ids are UUIDs (v7); anything else cannot name a memory, so it is a 404 without a query. */
  async get(request: GetMemoryRequest) {
    if (!MEMORY_ID_PATTERN.test(request.id)) throw new AppError('not_found', 'memory not found');
    const [record] = await this.reader.query({ filter: { orgId: request.orgId, ids: [request.id.toLowerCase()] }, order: 'desc', limit: 1 });
    if (!record) throw new AppError('not_found', 'memory not found');
    return toMemoryWire(record);
  }

  async search(orgId: string, query: ReadQuery): Promise<SearchResponse> {
    const started = performance.now();
    const records = await this.reader.query(queryInOrg(orgId, query));
    const results = records.map(toMemoryWire);
    // An integer, as every SDK expects.
    return { results, count: results.length, query_time_ms: Math.round(performance.now() - started) };
  }

  private async page(query: MemoryQuery): Promise<MemoryListResponse> {
    const memories = (await this.reader.query(query)).map(toMemoryWire);
    return { memories, count: memories.length, has_more: hasMore(memories.length, query.limit) };
  }
}
