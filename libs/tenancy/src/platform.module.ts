import { DynamicModule, Global, Module } from '@nestjs/common';
import { CatalogModule } from '@memtrace/catalog';
import { AppConfig, ConfigModule } from '@memtrace/config';
import { Metrics, ObservabilityModule } from '@memtrace/observability';
import { RedisModule } from '@memtrace/redis';
import type { Logger } from 'pino';
import { ApiKeyVerifier } from './auth/api-key.verifier';
import { AuthGuard } from './auth/auth.guard';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { StoreBindingResolver } from './bindings/store-binding.resolver';
import { BindingSealer } from './crypto/binding-sealer';
import { ReadinessProbe } from './health/readiness.probe';

const providers = [ApiKeyVerifier, AuthGuard, BindingSealer, StoreBindingResolver, BootstrapService, ReadinessProbe];

export interface PlatformOptions {
  /** Process or app name, on every log line. */
  name: string;
  config: AppConfig;
  logger?: Logger;
  metrics?: Metrics;
  /** False for short-lived commands (the CLI), which publish invalidations but never listen. */
  subscribe?: boolean;
}

/**
 * The platform every process stands on, imported once at its root: configuration, logging and
 * metrics, the PostgreSQL catalog, Redis, and the tenancy services over them (API keys, store
 * bindings, bootstrap, readiness). Global, as each of these is used throughout a process.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(options.config),
        ObservabilityModule.forRoot({ name: options.name, logger: options.logger, metrics: options.metrics }),
        CatalogModule,
        RedisModule.forRoot({ subscribe: options.subscribe ?? true }),
      ],
      providers,
      exports: providers,
    };
  }
}
