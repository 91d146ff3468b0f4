import { Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { StoreBindingRepository } from '@memtrace/catalog';
import { AppError } from '@memtrace/contracts';
import { InvalidationBus } from '@memtrace/redis';
import { BindingOpenError, BindingSealer, MasterKey, MasterKeyError, MasterKeyRing, parseMasterKey } from '@memtrace/tenancy';
import { Actor, assertOperator } from '../audit/actor';
import { AuditService } from '../audit/audit.service';

export interface RotationResult {
  rotated: number;
  keyVersion: number;
}

/**
 * Re-seals every binding token under a target master key, in one transaction: either every token
 * moves to the new key or none does. Tokens are opened with the process's ring (current and
 * previous key) plus the target, so a rotation interrupted by a crash can simply be run again.
 */
@Injectable()
export class MasterKeyRotationService {
  constructor(
    private readonly config: AppConfig,
    private readonly bindings: StoreBindingRepository,
    private readonly sealer: BindingSealer,
    private readonly audit: AuditService,
    private readonly bus: InvalidationBus,
  ) {}

  /** `newKey` absent: re-seal under the process's current MEMTRACE_MASTER_KEY (rolling rotation). */
  async rotate(actor: Actor, newKey?: string): Promise<RotationResult> {
    assertOperator(actor, this.config.bootstrap.operatorOrgId);
    const { ring, target } = this.keys(newKey);
    const result = await this.audit.mutate(actor, { action: 'master-key.rotate', orgId: null, target: 'store-bindings' }, async (tx) => {
      let rotated = 0;
      let keyVersion = 0;
      for (const row of await this.bindings.list(tx)) {
        const token = await this.open(row, ring);
        if (token === undefined) continue;
        const seal = await this.sealer.seal(row.orgId, row.id, token, target, tx);
        await this.bindings.updateSeal(row.id, seal, tx);
        keyVersion = seal.keyVersion;
        rotated++;
      }
      return { rotated, keyVersion };
    });
    await this.bus.publish({ kind: 'all' });
    return result;
  }

  private keys(newKey?: string): { ring: MasterKeyRing; target: MasterKey } {
    try {
      const ring = this.sealer.ring();
      const target = newKey ? parseMasterKey(newKey, 'the new master key') : ring.current;
      return { ring: ring.including(target), target };
    } catch (error) {
      if (error instanceof MasterKeyError) throw new AppError('bad_request', error.message);
      throw error;
    }
  }

  private async open(row: Parameters<BindingSealer['open']>[0], ring: MasterKeyRing) {
    try {
      return await this.sealer.open(row, ring);
    } catch (error) {
      if (error instanceof BindingOpenError) {
        throw new AppError('conflict', `cannot rotate: ${error.message}`, 'nothing was changed; fix or remove that binding and retry');
      }
      throw error;
    }
  }
}
