import { Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { OrganizationRepository, OrganizationRow } from '@memtrace/catalog';
import { AppError, newId } from '@memtrace/contracts';
import { InvalidationBus } from '@memtrace/redis';
import { Actor, assertCanManage, assertOperator } from '../audit/actor';
import { AuditService } from '../audit/audit.service';

@Injectable()
export class OrganizationService {
  constructor(
    private readonly config: AppConfig,
    private readonly orgs: OrganizationRepository,
    private readonly audit: AuditService,
    private readonly bus: InvalidationBus,
  ) {}

  async create(actor: Actor, rawName: string): Promise<OrganizationRow> {
    assertOperator(actor, this.config.bootstrap.operatorOrgId);
    const name = rawName.trim();
    if (!name) throw new AppError('bad_request', 'organization name is required');
    const id = newId('org');
    return this.audit.mutate(
      actor,
      { action: 'org.create', orgId: id, target: id, detail: { name }, conflict: `organization '${name}' already exists` },
      (tx) => this.orgs.create({ id, name }, tx),
    );
  }

  /** Every org for the operator; a tenant admin sees only its own. */
  async list(actor: Actor): Promise<OrganizationRow[]> {
    const all = await this.orgs.list();
    return actor.scopeOrgId === null ? all : all.filter((org) => org.id === actor.scopeOrgId);
  }

  async get(actor: Actor, id: string): Promise<OrganizationRow> {
    assertCanManage(actor, id);
    const org = await this.orgs.get(id);
    if (!org) throw new AppError('not_found', `org '${id}' not found`);
    return org;
  }

  /** Removes the org with its keys, binding, agents and sessions, atomically, and tells every process. */
  async delete(actor: Actor, id: string, callerOrgId?: string): Promise<void> {
    assertOperator(actor, this.config.bootstrap.operatorOrgId);
    if (callerOrgId === id) {
      throw new AppError('conflict', 'an API key cannot delete its own organization', 'use `memtrace org delete` on the server');
    }
    await this.audit.mutate(actor, { action: 'org.delete', orgId: id, target: id }, async (tx) => {
      if (!(await this.orgs.delete(id, tx))) throw new AppError('not_found', `org '${id}' not found`);
    });
    await this.bus.publish({ kind: 'org', orgId: id });
  }
}
