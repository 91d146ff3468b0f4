import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { TcpContext } from '@nestjs/microservices';
import { Attributes, ROOT_CONTEXT, Span, SpanKind } from '@opentelemetry/api';
import { AppError, ERROR_STATUS, LEGACY_READ_PATTERNS, QUERY_PATTERNS, traceContextSchema } from '@memtrace/contracts';
import { contextFrom, inSpan, markFailed, memtraceTracer, tracingEnabled } from '@memtrace/observability';
import { StoreRejectedError } from '@memtrace/store';
import { from, lastValueFrom, Observable } from 'rxjs';

/** The reads that retrieve memories: a `search_memory` span (GenAI memory conventions) each, with how to count what they found. */
const pageSize = (r: unknown) => (r as { memories?: unknown[] }).memories?.length;
const resultCount = (r: unknown) => (r as { results?: unknown[] }).results?.length;
const contextCount = (r: unknown) => (r as { memory_count?: number }).memory_count;
const MEMORY_READS: Record<string, (result: unknown) => number | undefined> = {
  [QUERY_PATTERNS.listMemories]: pageSize,
  [QUERY_PATTERNS.agentMemories]: pageSize,
  [QUERY_PATTERNS.sessionMemories]: pageSize,
  [QUERY_PATTERNS.searchMemories]: resultCount,
  [QUERY_PATTERNS.getMemory]: () => 1,
  [QUERY_PATTERNS.renderContext]: contextCount,
  [LEGACY_READ_PATTERNS.listMemories]: pageSize,
  [LEGACY_READ_PATTERNS.agentMemories]: pageSize,
  [LEGACY_READ_PATTERNS.sessionMemories]: pageSize,
  [LEGACY_READ_PATTERNS.searchMemories]: resultCount,
  [LEGACY_READ_PATTERNS.renderContext]: contextCount,
};

/**
 * One SERVER span per RPC (named after its pattern, `query.search-memories.v2`), continuing the
 * gateway's trace from the request's `trace` field (inside the signed frame), and under it a
 * `search_memory` span for the reads that retrieve memories; the store's CLIENT spans nest below.
 * A request the caller got wrong (a 4xx code) leaves the server span unmarked; anything else marks
 * it as an error. With tracing off it hands the call straight on.
 */
@Injectable()
export class QueryTracingInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!tracingEnabled()) return next.handle();
    const rpc = execution.switchToRpc();
    const pattern = rpc.getContext<TcpContext>().getPattern();
    const data = (rpc.getData() ?? {}) as { orgId?: unknown; trace?: unknown };
    const parent = contextFrom(traceContextSchema.parse(data.trace)) ?? ROOT_CONTEXT;
    const orgId = typeof data.orgId === 'string' ? data.orgId : undefined;
    const attributes: Attributes = { 'rpc.system.name': 'nestjs_tcp', 'rpc.method': pattern, ...(orgId ? { 'memtrace.org.id': orgId } : {}) };
    const served = memtraceTracer().startActiveSpan(pattern, { kind: SpanKind.SERVER, attributes }, parent, (span) => this.serve(span, pattern, orgId, next));
    return from(served);
  }

  private async serve(span: Span, pattern: string, orgId: string | undefined, next: CallHandler): Promise<unknown> {
    try {
      const count = MEMORY_READS[pattern];
      if (!count) return await lastValueFrom(next.handle());
      return await inSpan('search_memory', { kind: SpanKind.INTERNAL, attributes: searchAttributes(orgId) }, async (search) => {
        const result = await lastValueFrom(next.handle());
        const found = count(result);
        if (found !== undefined) search.setAttribute('gen_ai.memory.record.count', found);
        return result;
      });
    } catch (error) {
      if (isCallersFault(error)) span.setAttribute('rpc.response.status_code', (error as AppError).code ?? 'bad_request');
      else markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }
}

function searchAttributes(orgId: string | undefined): Attributes {
  return { 'gen_ai.operation.name': 'search_memory', 'gen_ai.provider.name': 'memtrace', ...(orgId ? { 'gen_ai.memory.store.id': orgId } : {}) };
}

/** What the gateway answers with a 4xx: the request, not the service, was at fault. */
function isCallersFault(error: unknown): boolean {
  if (error instanceof StoreRejectedError) return true;
  return error instanceof AppError && ERROR_STATUS[error.code] < 500;
}
