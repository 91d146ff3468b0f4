import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { AgentRepository, AuditRepository, ErasureRepository, toErasureReceipt } from '@memtrace/catalog';
import { AppConfig } from '@memtrace/config';
import {
  AppError,
  EraseAgentMemoriesRequest,
  ErasureFilter,
  ErasureKind,
  ErasureReceipt,
  erasureStoreFilter,
  GetErasureRequest,
  MEMORY_ID_PATTERN,
} from '@memtrace/contracts';
import { validAgentId } from '@memtrace/http';
import { ErasureLauncher, ErasureQueue } from '@memtrace/ingest';
import { RedisService } from '@memtrace/redis';
import { ForgetTombstones } from '@memtrace/ingest';
import { v7 as uuidv7 } from 'uuid';
import { MemoryReader } from '../memories/memory-reader';

/**
 * Starts erasures (forget by filter, an agent's memories) and answers their receipts. A dry run is
 * counted here and done at once; a real one is recorded, its tombstone opened (from then on no
 * matching write that is still queued lands) and queued for the worker tier, which erases the
 * store's and the hot tier's rows (`ErasureRunner`).
 */
@Injectable()
export class ErasureService implements OnModuleDestroy {
  private readonly launcher: ErasureLauncher;

  constructor(
    private readonly reader: MemoryReader,
    private readonly erasures: ErasureRepository,
    tombstones: ForgetTombstones,
    private readonly agents: AgentRepository,
    private readonly audit: AuditRepository,
    redis: RedisService,
    config: AppConfig,
  ) {
    this.launcher = new ErasureLauncher(erasures, tombstones, new ErasureQueue(redis.client, config.redis.prefix, redis.cluster));
  }

  /** `filter` is never empty (the request's schema, and the gateway's check before it). */
  forget(orgId: string, filter: ErasureFilter, dryRun: boolean, actor: string): Promise<ErasureReceipt> {
    return this.start(orgId, 'forget', filter, dryRun, actor);
  }

  /** The memories of an agent about to be deleted, under its id and its name. */
  async eraseAgentMemories(request: EraseAgentMemoriesRequest): Promise<ErasureReceipt> {
    const agentIds = await this.agents.aliases(request.orgId, validAgentId(request.agentId));
    return this.start(request.orgId, 'agent', { agentIds }, false, request.actor);
  }

  async get(request: GetErasureRequest): Promise<ErasureReceipt> {
    const row = MEMORY_ID_PATTERN.test(request.id) ? await this.erasures.get(request.orgId, request.id.toLowerCase()) : undefined;
    if (!row) throw new AppError('not_found', 'erasure not found');
    return toErasureReceipt(row);
  }

  private async start(orgId: string, kind: ErasureKind, filter: ErasureFilter, dryRun: boolean, actor: string): Promise<ErasureReceipt> {
    const id = uuidv7();
    if (dryRun) {
      const matched = await this.reader.count(erasureStoreFilter(orgId, filter));
      const row = await this.erasures.create({ id, orgId, kind, filter, dryRun, actor }, { matched, at: new Date() });
      await this.audit.record({ actor, orgId, action: 'memories.erase', target: `erasure:${id}`, outcome: 'ok', detail: { kind, dry_run: true, filter, matched } });
      return toErasureReceipt(row);
    }
    const row = await this.erasures.create({ id, orgId, kind, filter, dryRun, actor });
    await this.launcher.launch(orgId, id, filter);
    return toErasureReceipt(row);
  }

  async onModuleDestroy() {
    await this.launcher.close();
  }
}
