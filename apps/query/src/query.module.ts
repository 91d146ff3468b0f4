import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { WriteStateModule } from '@memtrace/ingest';
import { Metrics } from '@memtrace/observability';
import { StoreModule } from '@memtrace/store';
import { AgentDirectoryVersion, PlatformOptions, PlatformModule } from '@memtrace/tenancy';
import { AgentActivityService } from './activity/agent-activity.service';
import { AgentAliases } from './agents/agent-aliases';
import { AgentScope } from './agents/agent-scope';
import { ContextQueryService } from './context/context-query.service';
import { ErasureService } from './erasures/erasure.service';
import { MemoryQueryService } from './memories/memory-query.service';
import { MemoryEraser } from './memories/memory-eraser';
import { MemoryExportService } from './memories/memory-export.service';
import { MemoryReader } from './memories/memory-reader';
import { ReadAdmission } from './memories/read-admission';
import { LegacyReadController } from './rpc/legacy-read.controller';
import { QueryController } from './rpc/query.controller';
import { QueryRpcFilter } from './rpc/query-rpc.filter';
import { AgentStatsService } from './stats/agent-stats.service';

/**
 * The query handlers, with the store registry and the write path's Redis state (hot tier, erased
 * ids, tombstones) they read. They run in their own process (`QueryAppModule`) or, in standalone,
 * inside the ingest worker's application: both import the same static `StoreModule`, which Nest
 * instantiates once per application, so one StoreRegistry owns the embedded DuckDB file.
 */
@Module({
  imports: [StoreModule, WriteStateModule],
  controllers: [QueryController, LegacyReadController],
  providers: [
    {
      provide: ReadAdmission,
      inject: [AppConfig, Metrics],
      useFactory: (config: AppConfig, metrics: Metrics) => new ReadAdmission(config.query.maxReadsPerOrg, (org) => metrics.storeReadsShed.inc({ org: metrics.org(org) })),
    },
    MemoryReader,
    MemoryEraser,
    ErasureService,
    MemoryExportService,
    AgentDirectoryVersion,
    AgentAliases,
    AgentScope,
    MemoryQueryService,
    AgentStatsService,
    AgentActivityService,
    ContextQueryService,
    QueryRpcFilter,
  ],
})
export class QueryModule {}

/** Root module of a query-service process. */
@Module({})
export class QueryAppModule {
  static forRoot(options: Omit<PlatformOptions, 'name'>): DynamicModule {
    return {
      module: QueryAppModule,
      imports: [PlatformModule.forRoot({ name: 'query', ...options }), QueryModule],
    };
  }
}
