import { Injectable } from '@nestjs/common';
import { ApiKeyRepository, ApiKeyRow, OrganizationRepository } from '@memtrace/catalog';
import { AppError } from '@memtrace/contracts';
import { InvalidationBus } from '@memtrace/redis';
import { generateApiKey, hashApiKey, Scope } from '@memtrace/tenancy';
import { Actor, assertCanManage } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { assertOrgExists } from '../organizations/org-exists';

export interface CreatedApiKey {
  row: ApiKeyRow;
  /** The plaintext key: returned by this call only, never stored. */
  key: string;
}

@Injectable()
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly orgs: OrganizationRepository,
    private readonly audit: AuditService,
    private readonly bus: InvalidationBus,
  ) {}

  async create(actor: Actor, orgId: string, input: { name: string; scopes: Scope[]; expiresAt?: Date | null }): Promise<CreatedApiKey> {
    assertCanManage(actor, orgId);
    const name = input.name.trim();
    if (!name) throw new AppError('bad_request', 'key name is required');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new AppError('bad_request', 'expires_at must be in the future');
    }
    await assertOrgExists(this.orgs, orgId, { hint: 'create it first' });
    const key = generateApiKey();
    const row = await this.audit.mutate(
      actor,
      {
        action: 'api-key.create',
        orgId,
        target: `key:${name}`,
        detail: { name, scopes: input.scopes },
        conflict: `API key '${name}' already exists in org '${orgId}'`,
      },
      (tx) => this.keys.create({ orgId, name, keyHash: hashApiKey(key), scopes: input.scopes, expiresAt: input.expiresAt ?? null }, tx),
    );
    return { row, key };
  }

  async list(actor: Actor, orgId: string): Promise<ApiKeyRow[]> {
    assertCanManage(actor, orgId);
    await assertOrgExists(this.orgs, orgId);
    return this.keys.listByOrg(orgId);
  }

  /** Revokes a key; `orgId`, when given, must own it (the HTTP route is nested under the org). */
  async revoke(actor: Actor, keyId: number, orgId?: string): Promise<ApiKeyRow> {
    const existing = await this.keys.get(keyId);
    const visible = existing && (!orgId || existing.orgId === orgId) && (actor.scopeOrgId === null || actor.scopeOrgId === existing.orgId);
    if (!existing || !visible || existing.revokedAt) throw new AppError('not_found', 'key not found');
    const revoked = await this.audit.mutate(actor, { action: 'api-key.revoke', orgId: existing.orgId, target: `key:${keyId}` }, async (tx) => {
      const row = await this.keys.revoke(keyId, new Date(), tx);
      if (!row) throw new AppError('not_found', 'key not found');
      return row;
    });
    await this.bus.publish({ kind: 'api-key', keyHash: existing.keyHash });
    return revoked;
  }
}
