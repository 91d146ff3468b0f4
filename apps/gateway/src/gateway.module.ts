import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { RequestValidationPipe } from '@memtrace/http';
import { AgentDirectoryVersion, AuthGuard, PlatformOptions, RateLimitGuard, RateLimitPolicy, RateLimiter, PlatformModule } from '@memtrace/tenancy';
import { AgentService } from './agents/agent.service';
import { AgentsController } from './agents/agents.controller';
import { AuthController } from './auth/auth.controller';
import { ExplorerAssets } from './explorer/explorer-assets';
import { ExplorerController } from './explorer/explorer.controller';
import { HealthController } from './health/health.controller';
import { McpModule } from './mcp/mcp.module';
import { IngestProducerModule } from '@memtrace/ingest';
import { IdempotencyService } from './memories/idempotency.service';
import { ErasuresController } from './memories/erasures.controller';
import { MemoryTransferController } from './memories/memory-transfer.controller';
import { MemoryTransferService } from './memories/memory-transfer.service';
import { MemoriesController } from './memories/memories.controller';
import { MemoryReadsController } from './memories/memory-reads.controller';
import { MemoryWriteService } from './memories/memory-write.service';
import { OpenApiController, OpenApiDocument } from './openapi/openapi.controller';
import { QueryClient } from './query/query.client';
import { SessionService } from './sessions/session.service';
import { SessionsController } from './sessions/sessions.controller';

/** Every controller of the public REST API (the OpenAPI document is made from them). */
export const GATEWAY_CONTROLLERS = [HealthController, AuthController, MemoriesController, MemoryReadsController, MemoryTransferController, ErasuresController, AgentsController, SessionsController, ExplorerController, OpenApiController];

/** Root module of the public REST API (upstream's routes under /api/v1, plus /health and /ready). */
@Module({})
export class GatewayModule {
  static forRoot(options: Omit<PlatformOptions, 'name'>): DynamicModule {
    return {
      module: GatewayModule,
      imports: [PlatformModule.forRoot({ name: 'gateway', ...options }), IngestProducerModule, McpModule],
      controllers: GATEWAY_CONTROLLERS,
      providers: [
        { provide: ExplorerAssets, useFactory: () => ExplorerAssets.load() },
        IdempotencyService,
        MemoryWriteService,
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
        // Request DTOs (`@Body() body: CreateAgentRequestDto`) arrive validated, with upstream's messages.
        { provide: APP_PIPE, useClass: RequestValidationPipe },
        OpenApiDocument,
      ],
    };
  }
}
