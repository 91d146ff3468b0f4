import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DedupService } from '@memtrace/ingest';
import { StoreModule } from '@memtrace/store';
import { AuthGuard, PlatformOptions, TenancyModule } from '@memtrace/tenancy';
import { WorkerHealthController } from './health/worker-health.controller';
import { ErasureRunner } from './erasures/erasure-runner';
import { DeadLetterService } from './ingest/dead-letter.service';
import { IngestScheduler } from './tenants/ingest-scheduler';

/** The ingest worker: per-org queue consumers that batch, write, confirm and ack; the erasure runner. */
@Module({ providers: [DeadLetterService, DedupService, IngestScheduler, ErasureRunner], exports: [IngestScheduler, ErasureRunner] })
export class IngestModule {}

/** Root module of the ingest-worker process (HTTP only for /health and /metrics). */
@Module({})
export class IngestWorkerModule {
  static forRoot(options: Omit<PlatformOptions, 'name'>, extraImports: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: IngestWorkerModule,
      imports: [TenancyModule.forRoot({ name: 'ingest-worker', ...options }), StoreModule, IngestModule, ...extraImports],
      controllers: [WorkerHealthController],
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}
