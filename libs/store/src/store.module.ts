import { Global, Inject, Module, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { LOGGER } from '@memtrace/observability';
import { RedisService } from '@memtrace/redis';
import { StoreBindingResolver } from '@memtrace/tenancy';
import type { Logger } from 'pino';
import { ErasedIds } from './hot-tier/erased-ids';
import { ForgetTombstones } from './hot-tier/forget-tombstones';
import { HotTier } from './hot-tier/hot-tier';
import { StoreRegistry } from './store.registry';

/**
 * Nest wiring of the store layer (the classes themselves are framework-free): the hot tier for
 * every app, the ids of deleted memories and the filters of erasures, and the registry of open stores for the apps that touch a store (worker, query).
 */
@Global()
@Module({
  providers: [
    {
      provide: HotTier,
      inject: [RedisService, AppConfig],
      useFactory: (redis: RedisService, config: AppConfig) => new HotTier(redis.client, config.redis.prefix, (orgId) => redis.orgTag(orgId)),
    },
    {
      provide: ErasedIds,
      inject: [RedisService, AppConfig],
      useFactory: (redis: RedisService, config: AppConfig) => new ErasedIds(redis.client, config.redis.prefix, (orgId) => redis.orgTag(orgId)),
    },
    {
      provide: ForgetTombstones,
      inject: [RedisService, AppConfig],
      useFactory: (redis: RedisService, config: AppConfig) => new ForgetTombstones(redis.client, config.redis.prefix, (orgId) => redis.orgTag(orgId)),
    },
    {
      provide: StoreRegistry,
      inject: [StoreBindingResolver, AppConfig, LOGGER],
      useFactory: (resolver: StoreBindingResolver, config: AppConfig, logger: Logger) => {
        const registry = new StoreRegistry((orgId) => resolver.resolve(orgId), { arcTimeoutMs: config.ingest.storeTimeoutMs, log: logger });
        resolver.onChange((orgId) => void registry.evict(orgId));
        return registry;
      },
    },
  ],
  exports: [HotTier, ErasedIds, ForgetTombstones, StoreRegistry],
})
export class StoreModule implements OnModuleDestroy {
  constructor(@Inject(StoreRegistry) private readonly registry: StoreRegistry) {}

  async onModuleDestroy() {
    await this.registry.close();
  }
}
