import { Inject, Module, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { LOGGER } from '@memtrace/observability';
import { StoreBindingResolver } from '@memtrace/tenancy';
import type { Logger } from 'pino';
import { StoreRegistry } from './store.registry';

/**
 * Nest wiring of the store layer (the classes themselves are framework-free): the registry of open
 * stores, for the apps that touch a store (worker, query). Its stores close with the app. Keep it a
 * static module: every importer of an application then shares one registry (the standalone's
 * worker and query handlers open the embedded DuckDB file once); a `forRoot(options)` would not.
 */
@Module({
  providers: [
    {
      provide: StoreRegistry,
      inject: [StoreBindingResolver, AppConfig, LOGGER],
      useFactory: (resolver: StoreBindingResolver, config: AppConfig, logger: Logger) => {
        const registry = new StoreRegistry((orgId) => resolver.resolve(orgId), { arcTimeoutMs: config.store.requestTimeoutMs, log: logger });
        resolver.onChange((orgId) => void registry.evict(orgId));
        return registry;
      },
    },
  ],
  exports: [StoreRegistry],
})
export class StoreModule implements OnModuleDestroy {
  constructor(@Inject(StoreRegistry) private readonly registry: StoreRegistry) {}

  async onModuleDestroy() {
    await this.registry.close();
  }
}
