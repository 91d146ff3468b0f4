export * from './memory/memory.types';
export * from './errors/error-codes';
export * from './ids';
