import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { ApiKeyRepository, ErasureRepository, ErasureRow, OrganizationRepository, OrganizationRow, StoreBindingRepository } from '@memtrace/catalog';
import { AppError, newId } from '@memtrace/contracts';
import type * as IngestLib from '@memtrace/ingest';
import type { ErasureLauncher } from '@memtrace/ingest';
import { InvalidationBus, RedisService } from '@memtrace/redis';
import { v7 as uuidv7 } from 'uuid';
import { Actor, assertCanManage, assertOperator } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { assertOrgExists } from './org-exists';

/** How an org deletion went: at once (nothing in a store), or after the erasure of its memories. */
export type OrgDeletion = { state: 'deleted' } | { state: 'erasing'; erasure: ErasureRow };

@Injectable()
export class OrganizationService implements OnModuleDestroy {
  private launcher?: Promise<ErasureLauncher>;

  constructor(
    private readonly config: AppConfig,
    private readonly orgs: OrganizationRepository,
    private readonly keys: ApiKeyRepository,
    private readonly bindings: StoreBindingRepository,
    private readonly erasures: ErasureRepository,
    private readonly audit: AuditService,
    private readonly bus: InvalidationBus,
    private readonly redis: RedisService,
  ) {}

  /**
   * Loaded on first use: the CLI is a process per command, and the queue and store libraries add
   * about a second to each start, for the few commands that delete an org with a store.
   */
  private erasureLauncher(): Promise<ErasureLauncher> {
    this.launcher ??= (import('../../../../libs/ingest/src/index.js') as Promise<typeof IngestLib>).then(({ ErasureLauncher, ErasureQueue, ForgetTombstones }) => {
      const { redis, config } = this;
      const tombstones = new ForgetTombstones(redis.client, config.redis.prefix, (orgId: string) => redis.orgTag(orgId));
      return new ErasureLauncher(this.erasures, tombstones, new ErasureQueue(redis.client, config.redis.prefix, redis.cluster));
    });
    return this.launcher;
  }

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

  /**
   * Deletes the org with its keys, binding, agents and sessions, and its memories. An org with a
   * store binding loses its keys at once (every process is told), then the worker tier erases its
   * memories (an `org` erasure, receipt in the audit log) and deletes the org row after that. With
   * `keepMemories`, or without a binding, the row goes at once and the store is not touched.
   */
  async delete(actor: Actor, id: string, options: { callerOrgId?: string; keepMemories?: boolean } = {}): Promise<OrgDeletion> {
    assertOperator(actor, this.config.bootstrap.operatorOrgId);
    if (options.callerOrgId === id) {
      throw new AppError('conflict', 'an API key cannot delete its own organization', 'use `memtrace org delete` on the server');
    }
    const erasing = await this.erasures.open(id, 'org');
    if (erasing && !options.keepMemories) throw new AppError('conflict', `org '${id}' is being deleted (erasure ${erasing.id})`, 'follow it in the audit log');
    if (options.keepMemories || !(await this.bindings.get(id))) {
      await this.audit.mutate(actor, { action: 'org.delete', orgId: id, target: id, detail: { memories: options.keepMemories ? 'kept' : 'no store' } }, async (tx) => {
        if (!(await this.orgs.delete(id, tx))) throw new AppError('not_found', `org '${id}' not found`);
      });
      await this.bus.publish({ kind: 'org', orgId: id });
      return { state: 'deleted' };
    }
    const erasure = await this.audit.mutate(actor, { action: 'org.delete', orgId: id, target: id, detail: { memories: 'erasing' } }, async (tx) => {
      await assertOrgExists(this.orgs, id, { tx });
      await this.keys.revokeAll(id, new Date(), tx);
      const created = await this.erasures.createUnlessOpen({ id: uuidv7(), orgId: id, kind: 'org', filter: {}, dryRun: false, actor: actor.label }, () => true, tx);
      if (!created) throw new AppError('conflict', `org '${id}' is being deleted`, 'follow it in the audit log');
      return created;
    });
    await this.bus.publish({ kind: 'org', orgId: id });
    await (await this.erasureLauncher()).launch(id, erasure.id, erasure.filter);
    return { state: 'erasing', erasure };
  }

  async onModuleDestroy() {
    await (await this.launcher)?.close();
  }
}
