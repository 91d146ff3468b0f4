import { Global, Module } from '@nestjs/common';
import { InvalidationBus } from './invalidation.bus';
import { RedisService } from './redis.service';

/**
 * Redis connections and the invalidation bus. `subscribe: false` is for short-lived commands (the
 * CLI) that only publish.
 */
@Global()
@Module({})
export class RedisModule {
  static forRoot(options: { subscribe: boolean } = { subscribe: true }) {
    return {
      module: RedisModule,
      providers: [RedisService, InvalidationBus, { provide: 'INVALIDATION_SUBSCRIBE', useValue: options.subscribe }],
      exports: [RedisService, InvalidationBus],
    };
  }
}
