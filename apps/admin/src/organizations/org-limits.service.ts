import { Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { OrganizationRepository, OrgLimitOverrides, OrgLimitsRepository } from '@memtrace/catalog';
import { InvalidationBus } from '@memtrace/redis';
import { EffectiveLimits, effectiveLimits } from '@memtrace/tenancy';
import { Actor, assertCanManage, assertOperator } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { assertOrgExists } from './org-exists';

export interface OrgLimitsView {
  orgId: string;
  overrides: OrgLimitOverrides;
  effective: EffectiveLimits;
}

/**
 * An org's rate limits: the deployment defaults (MEMTRACE_RATE_LIMIT_*) with per-org overrides.
 * A tenant admin may read its own; only the operator may change them (a tenant raising its own
 * limit would defeat them). Gateways pick a change up through the invalidation bus.
 */
@Injectable()
export class OrgLimitsService {
  constructor(
    private readonly config: AppConfig,
    private readonly orgs: OrganizationRepository,
    private readonly limits: OrgLimitsRepository,
    private readonly audit: AuditService,
    private readonly bus: InvalidationBus,
  ) {}

  async show(actor: Actor, orgId: string): Promise<OrgLimitsView> {
    assertCanManage(actor, orgId);
    await assertOrgExists(this.orgs, orgId);
    return this.view(orgId, await this.limits.get(orgId));
  }

  async set(actor: Actor, orgId: string, changes: Partial<OrgLimitOverrides>): Promise<OrgLimitsView> {
    assertCanManage(actor, orgId);
    assertOperator(actor, this.config.bootstrap.operatorOrgId);
    const overrides = await this.audit.mutate(actor, { action: 'org.limits.set', orgId, target: orgId, detail: { ...changes } }, async (tx) => {
      await assertOrgExists(this.orgs, orgId, { tx });
      return this.limits.update(orgId, changes, tx);
    });
    await this.bus.publish({ kind: 'limits', orgId });
    return this.view(orgId, overrides);
  }

  async reset(actor: Actor, orgId: string): Promise<OrgLimitsView> {
    assertCanManage(actor, orgId);
    assertOperator(actor, this.config.bootstrap.operatorOrgId);
    await this.audit.mutate(actor, { action: 'org.limits.reset', orgId, target: orgId }, async (tx) => {
      await assertOrgExists(this.orgs, orgId, { tx });
      await this.limits.clear(orgId, tx);
    });
    await this.bus.publish({ kind: 'limits', orgId });
    return this.view(orgId, await this.limits.get(orgId));
  }

  private view(orgId: string, overrides: OrgLimitOverrides): OrgLimitsView {
    return { orgId, overrides, effective: effectiveLimits(this.config.rateLimits.defaults, overrides) };
  }
}
