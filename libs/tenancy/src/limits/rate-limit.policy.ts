import { Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { OrgLimitOverrides, OrgLimitsRepository } from '@memtrace/catalog';
import { InvalidationBus, RedisService } from '@memtrace/redis';
import { TtlCache } from '../auth/ttl-cache';
import { Principal } from '../auth/principal';
import { LimitCheck } from './rate-limiter';

/** The four limits that apply to one org, per second: the deployment defaults with its overrides. */
export interface EffectiveLimits {
  orgRequests: number;
  orgMemories: number;
  keyRequests: number;
  keyMemories: number;
}

/**
 * Which limits a request is checked against: requests per second per API key and per org, and,
 * for a write, memories per second per key and per org (a batch counts its items). An org's
 * overrides come from PostgreSQL, cached per process and dropped over the invalidation bus when
 * `memtrace org limits set` or the admin API changes them.
 */
@Injectable()
export class RateLimitPolicy {
  private readonly cache: TtlCache<string, EffectiveLimits>;

  constructor(
    private readonly config: AppConfig,
    private readonly overrides: OrgLimitsRepository,
    private readonly redis: RedisService,
    bus: InvalidationBus,
  ) {
    this.cache = new TtlCache(config.catalogCache.ttlMs);
    bus.on((event) => {
      if (event.kind === 'limits' || event.kind === 'org') this.cache.delete(event.orgId);
      else if (event.kind === 'all') this.cache.clear();
    });
  }

  get enabled(): boolean {
    return this.config.rateLimits.enabled;
  }

  async limitsOf(orgId: string): Promise<EffectiveLimits> {
    let limits = this.cache.get(orgId);
    if (!limits) {
      limits = effectiveLimits(this.config.rateLimits.defaults, await this.overrides.get(orgId));
      this.cache.set(orgId, limits);
    }
    return limits;
  }

  async checksFor(principal: Principal, memories: number): Promise<LimitCheck[]> {
    const limits = await this.limitsOf(principal.orgId);
    // One hash tag per org: on a Redis Cluster the four keys of one check share a slot.
    const base = this.redis.key('ratelimit', this.redis.orgTag(principal.orgId));
    const key = `${base}:key:${principal.keyId}`;
    const check = (policy: string, redisKey: string, perSecond: number, cost: number): LimitCheck => ({
      policy,
      key: redisKey,
      perSecond,
      burst: Math.max(1, Math.round(perSecond * this.config.rateLimits.burstSeconds)),
      cost,
    });
    const checks = [check('key-requests', `${key}:requests`, limits.keyRequests, 1), check('org-requests', `${base}:org:requests`, limits.orgRequests, 1)];
    if (memories > 0) {
      checks.push(check('key-memories', `${key}:memories`, limits.keyMemories, memories), check('org-memories', `${base}:org:memories`, limits.orgMemories, memories));
    }
    return checks;
  }
}

export function effectiveLimits(defaults: EffectiveLimits, overrides: OrgLimitOverrides): EffectiveLimits {
  return {
    orgRequests: overrides.requestsPerSecond ?? defaults.orgRequests,
    orgMemories: overrides.memoriesPerSecond ?? defaults.orgMemories,
    keyRequests: overrides.keyRequestsPerSecond ?? defaults.keyRequests,
    keyMemories: overrides.keyMemoriesPerSecond ?? defaults.keyMemories,
  };
}
