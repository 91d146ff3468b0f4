import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IngestConsumerModule } from '@memtrace/ingest';
import { StoreModule } from '@memtrace/store';
import { AuthGuard, PlatformOptions, PlatformModule } from '@memtrace/tenancy';
import { WorkerHealthController } from './health/worker-health.controller';
import { ErasureRunner } from './erasures/erasure-runner';
import { CatalogIngestHooks } from './ingest/catalog-ingest.hooks';

/**
 * Root module of the ingest-worker process: the per-org queue consumers that batch, write, confirm
 * and ack (libs/ingest) and the erasure runner; HTTP only for /health, /backlog and /metrics.
 */
@Module({})
export class IngestWorkerModule {
  static forRoot(options: Omit<PlatformOptions, 'name'>, extraImports: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: IngestWorkerModule,
      imports: [PlatformModule.forRoot({ name: 'ingest-worker', ...options }), IngestConsumerModule.forRoot(CatalogIngestHooks), StoreModule, ...extraImports],
      controllers: [WorkerHealthController],
      providers: [ErasureRunner, { provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}
