import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { StoreModule } from '@memtrace/store';
import { AgentDirectoryVersion, AuthGuard, PlatformOptions, RateLimitGuard, RateLimitPolicy, RateLimiter, TenancyModule } from '@memtrace/tenancy';
import { AgentService } from './agents/agent.service';
import { AgentsController } from './agents/agents.controller';
import { AuthController } from './auth/auth.controller';
import { ExplorerAssets } from './explorer/explorer-assets';
import { ExplorerController } from './explorer/explorer.controller';
import { HealthController } from './health/health.controller';
import { McpModule } from './mcp/mcp.module';
import { DedupService } from '@memtrace/ingest';
import { IdempotencyService } from './memories/idempotency.service';
import { IngestProducer } from './memories/ingest.producer';
import { ErasuresController } from './memories/erasures.controller';
import { MemoryTransferController } from './memories/memory-transfer.controller';
import { MemoryTransferService } from './memories/memory-transfer.service';
import { MemoriesController } from './memories/memories.controller';
import { MemoryReadsController } from './memories/memory-reads.controller';
import { MemoryWriteService } from './memories/memory-write.service';
import { WriteGroups } from './memories/write-groups';
import { QueryClient } from './query/query.client';
import { SessionService } from './sessions/session.service';
import { SessionsController } from './sessions/sessions.controller';

/** Root module of the public REST API (upstream's routes under /api/v1, plus /health and /ready). */
@Module({})
export class GatewayModule {
  static forRoot(options: Omit<PlatformOptions, 'name'>): DynamicModule {
    return {
      module: GatewayModule,
      imports: [TenancyModule.forRoot({ name: 'gateway', ...options }), StoreModule, McpModule],
      controllers: [HealthController, AuthController, MemoriesController, MemoryReadsController, MemoryTransferController, ErasuresController, AgentsController, SessionsController, ExplorerController],
      providers: [
        { provide: ExplorerAssets, useFactory: () => ExplorerAssets.load() },
        DedupService,
        IdempotencyService,
        IngestProducer,
        MemoryWriteService,
        WriteGroups,
        MemoryTransferService,
        QueryClient,
        AgentService,
        AgentDirectoryVersion,
        SessionService,
        RateLimiter,
        RateLimitPolicy,
        RateLimitGuard,
        // In this order: only a verified key spends rate-limit budget.
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useExisting: RateLimitGuard },
      ],
    };
  }
}
