import { Inject, Injectable } from '@nestjs/common';
import { AgentRepository, AuditRepository } from '@memtrace/catalog';
import { MemoryRecord } from '@memtrace/contracts';
import { IngestHooks, RefusedBatch } from '@memtrace/ingest';
import { LOGGER } from '@memtrace/observability';
import type { Logger } from 'pino';
import { AgentActivity } from './agent-activity';

/** The ingest consumer's reports, written to PostgreSQL: agents' last activity and the audit log. */
@Injectable()
export class CatalogIngestHooks implements IngestHooks {
  private readonly activity: AgentActivity;

  constructor(
    agents: AgentRepository,
    private readonly audit: AuditRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.activity = new AgentActivity(agents, logger);
  }

  stored(orgId: string, records: readonly MemoryRecord[]): void {
    this.activity.record(orgId, records);
  }

  /**
   * The tenant's admins see in their audit log that their binding refuses writes and how many rows
   * went to the dead letters; only the status, since what the store said is for the operator's log.
   */
  refused(orgId: string, batch: RefusedBatch): Promise<void> {
    return this.audit.record({ actor: 'ingest-worker', orgId, action: 'store-binding.writes-refused', target: null, outcome: 'failed', detail: { ...batch } });
  }

  close(): Promise<void> {
    return this.activity.close();
  }
}
