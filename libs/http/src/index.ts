export * from './http-error.filter';
export * from './parse-body';
export * from './http-app.factory';
export * from './metrics.controller';
export * from './run-server';
