import { Injectable } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { AuditRepository } from '@memtrace/catalog';
import { AppError, DeleteMemoryRequest, MEMORY_ID_PATTERN } from '@memtrace/contracts';
import { DedupService } from '@memtrace/ingest';
import { inSpan } from '@memtrace/observability';
import { StoreRegistry } from '@memtrace/store';
import { ErasedIds, HotTier } from '@memtrace/ingest';
import { MemoryReader } from './memory-reader';

/**
 * Deletes memories for good, wherever they are on the way to the store: the store's rows (every
 * copy of the id), the hot tier, the dedup claim (so the same content can be written again), and
 * a copy still queued or in a worker's batch — the id goes into `ErasedIds` first, which workers
 * check before and after each batch, so a deleted memory never lands later. Audited.
 */
@Injectable()
export class MemoryEraser {
  constructor(
    private readonly reader: MemoryReader,
    private readonly stores: StoreRegistry,
    private readonly hotTier: HotTier,
    private readonly erased: ErasedIds,
    private readonly dedup: DedupService,
    private readonly audit: AuditRepository,
  ) {}

  /** 404 unless the org has the memory (stored, or acknowledged and on its way). */
  async deleteOne(request: DeleteMemoryRequest): Promise<{ deleted: string }> {
    const { orgId } = request;
    if (!MEMORY_ID_PATTERN.test(request.id)) throw new AppError('not_found', 'memory not found');
    const id = request.id.toLowerCase();
    return inSpan('delete_memory', { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'delete_memory', 'gen_ai.memory.store.id': orgId, 'gen_ai.memory.record.id': id } }, async () => {
      const [record] = await this.reader.query({ filter: { orgId, ids: [id] }, order: 'desc', limit: 1 });
      if (!record) throw new AppError('not_found', 'memory not found');
      // First, so that a worker writing this row right now deletes it once it has landed.
      await this.erased.add(orgId, [id]);
      const store = await this.stores.forOrg(orgId);
      await store.delete({ orgId, ids: [id] });
      await this.hotTier.remove(orgId, [id]);
      await this.dedup.release(orgId, [{ key: record.dedupKey, owner: id }]);
      await this.audit.record({ actor: request.actor, orgId, action: 'memory.delete', target: `memory:${id}`, outcome: 'ok', detail: { agent_id: record.agentId } });
      return { deleted: id };
    });
  }
}
