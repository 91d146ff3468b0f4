export * from './test-database';
export * from './test-env';
export * from './app-process';
export * from './arc-double';
export * from './fake-openai';
export * from './fake-anthropic';
export * from './redis-process';
