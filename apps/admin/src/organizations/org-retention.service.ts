import { Injectable } from '@nestjs/common';
import { OrganizationRepository, RetentionRepository, RetentionRules } from '@memtrace/catalog';
import { Actor, assertCanManage } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { assertOrgExists } from './org-exists';

export interface RetentionChange {
  days: number | null;
  memoryType?: string;
}

/**
 * An org's retention rules. A tenant admin manages its own (it is the tenant's data), the operator
 * any org's. The worker tier's sweep reads them at each run (MEMTRACE_RETENTION_INTERVAL_MS).
 */
@Injectable()
export class OrgRetentionService {
  constructor(
    private readonly orgs: OrganizationRepository,
    private readonly retention: RetentionRepository,
    private readonly audit: AuditService,
  ) {}

  async show(actor: Actor, orgId: string): Promise<RetentionRules> {
    assertCanManage(actor, orgId);
    await assertOrgExists(this.orgs, orgId);
    return this.retention.get(orgId);
  }

  async set(actor: Actor, orgId: string, change: RetentionChange): Promise<RetentionRules> {
    assertCanManage(actor, orgId);
    return this.audit.mutate(actor, { action: 'org.retention.set', orgId, target: orgId, detail: { days: change.days, memory_type: change.memoryType ?? null } }, async (tx) => {
      await assertOrgExists(this.orgs, orgId, { tx });
      return this.retention.set(orgId, change.memoryType, change.days, tx);
    });
  }

  async clear(actor: Actor, orgId: string): Promise<RetentionRules> {
    assertCanManage(actor, orgId);
    return this.audit.mutate(actor, { action: 'org.retention.clear', orgId, target: orgId }, async (tx) => {
      await assertOrgExists(this.orgs, orgId, { tx });
      await this.retention.clear(orgId, tx);
      return this.retention.get(orgId, tx);
    });
  }
}

export function toRetentionResponse(orgId: string, rules: RetentionRules) {
  return { org_id: orgId, days: rules.days, memory_types: rules.memoryTypes };
}
