import { Injectable } from '@nestjs/common';
import { OrganizationRepository, StoreBindingRepository, StoreBindingRow, StoreKind } from '@memtrace/catalog';
import { AppError, newId } from '@memtrace/contracts';
import { InvalidationBus } from '@memtrace/redis';
import { BindingOpenError, BindingSealer, MasterKeyError } from '@memtrace/tenancy';
import { Actor, assertCanManage } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { StoreUrlPolicyService } from './store-url-policy.service';
import { maskToken } from './token-mask';
import { assertOrgExists } from '../organizations/org-exists';

export interface BindingInput {
  kind: StoreKind;
  url: string;
  database: string;
  measurement: string;
  token?: string;
}

export interface BindingView {
  row: StoreBindingRow;
  maskedToken: string;
  /** Why the token could not be shown, when it could not. */
  tokenError?: string;
}

@Injectable()
export class StoreBindingService {
  constructor(
    private readonly bindings: StoreBindingRepository,
    private readonly orgs: OrganizationRepository,
    private readonly sealer: BindingSealer,
    private readonly audit: AuditService,
    private readonly bus: InvalidationBus,
    private readonly urlPolicy: StoreUrlPolicyService,
  ) {}

  /**
   * Binds the org to a store. `replace: false` keeps upstream's `add-arc` rule (one binding, refuse
   * a second); the admin API replaces. Running services pick the change up through the bus.
   * A URL the policy refuses to a tenant admin fails inside the audited change (so the attempt is
   * recorded) but is looked up before it, so no transaction waits on DNS.
   */
  async set(actor: Actor, orgId: string, input: BindingInput, options: { replace: boolean }): Promise<StoreBindingRow> {
    assertCanManage(actor, orgId);
    await assertOrgExists(this.orgs, orgId, { hint: 'create it first' });
    const existing = await this.bindings.get(orgId);
    if (existing && !options.replace) {
      throw new AppError('conflict', `org '${orgId}' already has an arc instance configured`, 'remove it first with `memtrace org remove-arc`');
    }
    const id = existing?.id ?? newId('bind');
    const key = input.token ? this.currentKey() : undefined;
    const refusal = await this.urlPolicy.assertAllowed(actor, input.url).then(() => undefined, (error: unknown) => error);
    const row = await this.audit.mutate(
      actor,
      {
        action: 'store-binding.set',
        orgId,
        target: id,
        detail: { kind: input.kind, url: input.url, database: input.database, measurement: input.measurement, token: Boolean(input.token) },
      },
      async (tx) => {
        if (refusal) throw refusal;
        const seal = input.token && key ? await this.sealer.seal(orgId, id, input.token, key, tx) : undefined;
        return this.bindings.upsert(
          {
            id,
            orgId,
            kind: input.kind,
            url: input.url,
            database: input.database,
            measurement: input.measurement,
            tokenCipher: seal?.tokenCipher ?? null,
            tokenNonce: seal?.tokenNonce ?? null,
            keyVersion: seal?.keyVersion ?? null,
          },
          tx,
        );
      },
    );
    await this.bus.publish({ kind: 'binding', orgId });
    return row;
  }

  async show(actor: Actor, orgId: string): Promise<BindingView> {
    assertCanManage(actor, orgId);
    const row = await this.bindings.get(orgId);
    if (!row) throw new AppError('not_found', `no arc instance configured for ${orgId}`);
    try {
      return { row, maskedToken: maskToken(await this.sealer.open(row)) };
    } catch (error) {
      if (!(error instanceof BindingOpenError)) throw error;
      return { row, maskedToken: '(unavailable)', tokenError: error.message };
    }
  }

  async remove(actor: Actor, orgId: string): Promise<void> {
    assertCanManage(actor, orgId);
    await this.audit.mutate(actor, { action: 'store-binding.remove', orgId, target: orgId }, async (tx) => {
      if (!(await this.bindings.delete(orgId, tx))) throw new AppError('not_found', `no arc instance configured for ${orgId}`);
    });
    await this.bus.publish({ kind: 'binding', orgId });
  }

  private currentKey() {
    try {
      return this.sealer.ring().current;
    } catch (error) {
      if (error instanceof MasterKeyError) throw new AppError('bad_request', error.message);
      throw error;
    }
  }
}
