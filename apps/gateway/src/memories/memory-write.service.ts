import { Inject, Injectable } from '@nestjs/common';
import { Attributes, Span, SpanKind } from '@opentelemetry/api';
import { AppConfig } from '@memtrace/config';
import { AppError, dedupKey, MemoryRecord, MemoryWire, newMemoryId, toMemoryWire } from '@memtrace/contracts';
import { inSpan, InSpanOptions, LOGGER, Metrics } from '@memtrace/observability';
import { StoreBindingResolver } from '@memtrace/tenancy';
import type { Logger } from 'pino';
import type { MemoryWrite } from './create-memories.pipe';
import { Admission, queueUnavailable, WriteGroups } from '@memtrace/ingest';
import { IdempotencyService, IdempotentRequest } from './idempotency.service';
import { MonotonicClock } from './monotonic-clock';
import { toNewMemory } from './new-memory.mapper';

export type WriteResult = MemoryWire | { memories: MemoryWire[]; count: number };

/**
 * The write path of design §4: validate, stamp (id, time, dedup key), claim dedup keys, make the
 * rows readable in the hot tier, enqueue a job (one per group of requests), answer 201. Nothing here
 * touches the store; a 201 means the memories are in Redis (durable with AOF) and will reach the store.
 */
@Injectable()
export class MemoryWriteService {
  private readonly clock = new MonotonicClock();

  constructor(
    private readonly config: AppConfig,
    private readonly bindings: StoreBindingResolver,
    private readonly groups: WriteGroups,
    private readonly idempotency: IdempotencyService,
    private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * `create` under an `Idempotency-Key`: the first request runs, a retry gets its answer back
   * (`replayed`). A failure frees the key, so a retry runs again, with the same memory ids.
   */
  async createOnce(orgId: string, write: MemoryWrite, requestId: string, request: IdempotentRequest): Promise<{ result: WriteResult; replayed: boolean }> {
    const begun = await this.idempotency.begin(orgId, request).catch((error: Error) => {
      if (error instanceof AppError) throw error;
      this.logger.error({ orgId, reqId: requestId, err: error.message }, 'could not check the idempotency key');
      throw queueUnavailable();
    });
    if (begun.state === 'replay') return { result: begun.response as WriteResult, replayed: true };
    let result: WriteResult;
    try {
      result = await this.create(orgId, write, requestId, request);
    } catch (error) {
      await this.idempotency.abandon(orgId, request);
      throw error;
    }
    // The write is acknowledged: if keeping its answer fails, the key just expires (a retry then
    // runs again under the same ids, which dedup and reads recognise as this write).
    await this.idempotency.complete(orgId, request, result).catch((error: Error) => {
      this.logger.warn({ orgId, reqId: requestId, err: error.message }, 'could not keep the idempotent answer');
    });
    return { result, replayed: false };
  }

  /** One validated write request, in a `create_memory` span (OpenTelemetry GenAI memory conventions). */
  create(orgId: string, write: MemoryWrite, requestId: string, idempotency?: IdempotentRequest): Promise<WriteResult> {
    return inSpan('create_memory', CREATE_MEMORY_SPAN, (span) => this.createInSpan(span, orgId, write, requestId, idempotency));
  }

  private async createInSpan(span: Span, orgId: string, write: MemoryWrite, requestId: string, idempotency?: IdempotentRequest): Promise<WriteResult> {
    const memories = write.memories.map(toNewMemory);
    if (span.isRecording()) span.setAttributes(createMemoryAttributes(orgId, memories));
    // Upstream order: validation first, then the org's store (503 without one).
    await this.bindings.resolve(orgId);
    const records = memories.map((m, index): MemoryRecord => {
      const id = idempotency ? IdempotencyService.memoryId(orgId, idempotency, index) : newMemoryId();
      const key = m.dedupKey || (this.config.writes.dedupEnabled ? dedupKey(m.agentId, m.eventType, m.content) : '');
      return { ...m, id, orgId, timeUs: this.clock.next(), dedupKey: key };
    });
    const dedupOn = this.config.writes.dedupEnabled;
    const accepted = await this.accept(orgId, records.map((record) => ({ record, dedupKey: dedupOn ? record.dedupKey : '' })), requestId);
    const duplicates = records.length - accepted.length;
    if (span.isRecording()) {
      span.setAttribute('memtrace.memory.duplicates', duplicates);
      if (accepted.length === 1) span.setAttribute('gen_ai.memory.record.id', accepted[0].id);
    }
    if (duplicates > 0) this.metrics.dedupHits.inc({ org: this.metrics.org(orgId) }, duplicates);
    if (!write.batch && accepted.length === 0) throw new AppError('conflict', 'duplicate memory');
    const wires = accepted.map(toMemoryWire);
    return write.batch ? { memories: wires, count: wires.length } : wires[0];
  }

  /**
   * Makes validated, stamped rows durable, with the other writes of the org that arrive together
   * (`WriteGroups`): claimed and in the hot tier, then queued. Returns the rows accepted (the rest
   * were duplicates of a claimed key); on failure nothing stays (503).
   */
  async accept(orgId: string, admissions: readonly Admission[], requestId: string): Promise<MemoryRecord[]> {
    const claimed = await this.groups.submit(orgId, admissions, requestId);
    const accepted = admissions.filter((_, i) => claimed[i]).map((a) => a.record);
    if (accepted.length > 0) this.metrics.memoriesAccepted.inc({ org: this.metrics.org(orgId) }, accepted.length);
    return accepted;
  }
}

const CREATE_MEMORY_SPAN: InSpanOptions = { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'create_memory', 'gen_ai.provider.name': 'memtrace' } };

/**
 * `gen_ai.memory.store.id` is the org (each org has its own store); the agent and the session
 * (`gen_ai.conversation.id`) are named when every memory of the request shares them.
 */
function createMemoryAttributes(orgId: string, memories: ReadonlyArray<{ agentId: string; sessionId: string }>): Attributes {
  const [first] = memories;
  const attributes: Attributes = { 'gen_ai.memory.store.id': orgId, 'gen_ai.memory.record.count': memories.length };
  if (first && memories.every((m) => m.agentId === first.agentId)) attributes['gen_ai.agent.id'] = first.agentId;
  if (first?.sessionId && memories.every((m) => m.sessionId === first.sessionId)) attributes['gen_ai.conversation.id'] = first.sessionId;
  return attributes;
}

