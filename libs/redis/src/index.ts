export * from './redis.service';
export * from './invalidation.bus';
export * from './redis.module';
