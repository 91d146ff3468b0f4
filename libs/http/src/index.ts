export * from './http-error.filter';
export * from './http-app.factory';
export * from './metrics.server';
export * from './run-server';
export * from './request-input.util';
export * from './validation/field-rules.decorator';
export * from './validation/request-validation';
