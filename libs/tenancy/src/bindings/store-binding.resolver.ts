import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { StoreBindingRepository, StoreKind } from '@memtrace/catalog';
import { AppError, noStoreBinding } from '@memtrace/contracts';
import { LOGGER, Metrics } from '@memtrace/observability';
import { InvalidationBus } from '@memtrace/redis';
import type { Logger } from 'pino';
import { TtlCache } from '../auth/ttl-cache';
import { BindingOpenError, BindingSealer } from '../crypto/binding-sealer';

/** An org's store, ready to connect to: the token is decrypted. */
export interface ResolvedBinding {
  id: string;
  orgId: string;
  kind: StoreKind;
  url: string;
  database: string;
  measurement: string;
  token?: string;
  /** Changes whenever the binding row changes, so connection pools can be rebuilt. */
  version: string;
}

type Resolution = { ok: true; binding: ResolvedBinding } | { ok: false; error: AppError };

/**
 * Org → store binding, cached per process and invalidated over the bus, so `org add-arc` and
 * friends take effect on running services without a restart. A binding that cannot be opened
 * (corrupt ciphertext, wrong master key) fails only its own tenant, with a 503 and a hint.
 */
@Injectable()
export class StoreBindingResolver {
  private readonly cache: TtlCache<string, Resolution>;
  private readonly listeners = new Set<(orgId: string | null) => void>();

  constructor(
    config: AppConfig,
    private readonly bindings: StoreBindingRepository,
    private readonly sealer: BindingSealer,
    private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
    bus: InvalidationBus,
  ) {
    this.cache = new TtlCache(config.catalogCache.ttlMs);
    bus.on((event) => {
      if (event.kind === 'binding' || event.kind === 'org') this.forget(event.orgId);
      else if (event.kind === 'all') this.forget(null);
    });
  }

  /** Called with the org whose binding changed (null: all of them); store pools close on it. */
  onChange(listener: (orgId: string | null) => void): void {
    this.listeners.add(listener);
  }

  async resolve(orgId: string): Promise<ResolvedBinding> {
    let resolution = this.cache.get(orgId);
    if (!resolution) {
      resolution = await this.load(orgId);
      this.cache.set(orgId, resolution);
    }
    if (!resolution.ok) throw resolution.error;
    return resolution.binding;
  }

  private async load(orgId: string): Promise<Resolution> {
    const row = await this.bindings.get(orgId);
    if (!row) return { ok: false, error: noStoreBinding(orgId) };
    try {
      const token = await this.sealer.open(row);
      this.metrics.setOrgGauge(this.metrics.bindingFailures, orgId, 0);
      const { id, kind, url, database, measurement } = row;
      return { ok: true, binding: { id, orgId, kind, url, database, measurement, token, version: `${id}@${row.updatedAt.getTime()}` } };
    } catch (error) {
      if (!(error instanceof BindingOpenError)) throw error;
      this.metrics.setOrgGauge(this.metrics.bindingFailures, orgId, 1);
      this.logger.error({ orgId, reason: error.message }, 'store binding unavailable');
      return {
        ok: false,
        error: new AppError('binding_unavailable', 'the store binding of this org cannot be opened', error.message),
      };
    }
  }

  private forget(orgId: string | null) {
    if (orgId === null) this.cache.clear();
    else this.cache.delete(orgId);
    for (const listener of this.listeners) listener(orgId);
  }
}
