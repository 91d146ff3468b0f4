export * from './logger';
export * from './nest-logger';
export * from './request-id';
export * from './metrics';
export * from './observability.module';
export * from './error-throttle';
export * from './process-logging';
