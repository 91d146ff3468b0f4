import { DynamicModule, Module, Type } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { LOGGER } from '@memtrace/observability';
import { RedisService } from '@memtrace/redis';
import type { Logger } from 'pino';
import { StoreModule } from '@memtrace/store';
import { DedupService } from './admission/dedup.service';
import { IngestProducer } from './admission/ingest.producer';
import { WriteGroups } from './admission/write-groups';
import { DeadLetterService } from './consumer/dead-letter.service';
import { INGEST_HOOKS, IngestHooks } from './consumer/ingest-hooks';
import { IngestScheduler } from './consumer/ingest-scheduler';
import { ErasedIds } from './hot-tier/erased-ids';
import { ForgetTombstones } from './hot-tier/forget-tombstones';
import { HotTier } from './hot-tier/hot-tier';

/**
 * What the write path keeps in Redis for everyone who reads or erases (gateway, query, worker): the
 * hot tier of unconfirmed rows, the ids of deleted memories, the filters of running erasures and
 * the dedup claims. Every key of an org carries its hash tag on a cluster (`RedisService.orgTag`).
 */
@Module({
  providers: [
    {
      provide: HotTier,
      inject: [RedisService, AppConfig, LOGGER],
      useFactory: (redis: RedisService, config: AppConfig, logger: Logger) => new HotTier(redis.client, config.redis.prefix, (orgId) => redis.orgTag(orgId), logger),
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
    DedupService,
  ],
  exports: [HotTier, ErasedIds, ForgetTombstones, DedupService],
})
export class WriteStateModule {}

/** The gateway's half of the write path: group commit into one admission script and one job per group. */
@Module({
  imports: [WriteStateModule],
  providers: [IngestProducer, WriteGroups],
  exports: [WriteGroups, WriteStateModule],
})
export class IngestProducerModule {}

/**
 * The worker's half: the scheduler that drains the orgs with work, their consumers and batchers, and
 * the dead letters. `hooks` is the app's `IngestHooks` (what a confirmed or refused batch reports).
 */
@Module({})
export class IngestConsumerModule {
  static forRoot(hooks: Type<IngestHooks>): DynamicModule {
    return {
      module: IngestConsumerModule,
      imports: [WriteStateModule, StoreModule],
      providers: [DeadLetterService, IngestScheduler, { provide: INGEST_HOOKS, useClass: hooks }],
      exports: [IngestScheduler, DeadLetterService, WriteStateModule],
    };
  }
}
