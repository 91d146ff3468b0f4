import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { ApiKeyRepository } from '@memtrace/catalog';
import { LOGGER, Metrics } from '@memtrace/observability';
import { InvalidationBus } from '@memtrace/redis';
import type { Logger } from 'pino';
import { hashApiKey } from '../keys/api-key';
import { Scope } from '../keys/scopes';
import { Principal } from './principal';
import { TtlCache } from './ttl-cache';

interface CachedKey {
  principal: Principal;
  keyHash: string;
  expiresAt: Date | null;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Verifies API keys against PostgreSQL with an in-process cache. Revocations and org deletions
 * reach the cache through the invalidation bus, so a revoked key stops working everywhere within
 * the pub/sub latency rather than the cache TTL.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly cache: TtlCache<string, CachedKey>;
  private readonly lastUsedWrites = new Map<number, number>();

  constructor(
    config: AppConfig,
    private readonly keys: ApiKeyRepository,
    private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
    bus: InvalidationBus,
  ) {
    this.cache = new TtlCache(config.catalogCache.ttlMs);
    bus.on((event) => {
      this.metrics.cacheInvalidations.inc({ kind: event.kind });
      if (event.kind === 'api-key') this.cache.delete(event.keyHash);
      else if (event.kind === 'org') this.cache.deleteWhere((entry) => entry.principal.orgId === event.orgId);
      else if (event.kind === 'all') this.cache.clear();
    });
  }

  /** The caller behind `key`, or null when the key is unknown, revoked or expired. */
  async verify(key: string, now = new Date()): Promise<Principal | null> {
    const keyHash = hashApiKey(key);
    let entry = this.cache.get(keyHash);
    if (!entry) {
      const row = await this.keys.findByHash(keyHash);
      if (!row || row.revokedAt) return this.reject(row ? 'revoked' : 'unknown');
      entry = {
        keyHash,
        expiresAt: row.expiresAt,
        principal: { keyId: row.id, keyName: row.name, orgId: row.orgId, scopes: row.scopes as Scope[] },
      };
      this.cache.set(keyHash, entry);
    }
    if (entry.expiresAt && entry.expiresAt <= now) return this.reject('expired');
    this.recordUse(entry.principal.keyId, now);
    return entry.principal;
  }

  private reject(reason: string): null {
    this.metrics.authFailures.inc({ reason });
    return null;
  }

  /** last_used_at at one-minute resolution, off the request path. */
  private recordUse(keyId: number, now: Date) {
    const last = this.lastUsedWrites.get(keyId) ?? 0;
    if (now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWrites.set(keyId, now.getTime());
    this.keys.touchLastUsed(keyId, now).catch((error: Error) => this.logger.warn({ keyId, err: error.message }, 'could not record key use'));
  }
}
