export { Memtrace } from './client.js';
export type { MemtraceOptions } from './client.js';
export { AuthenticationError, ConflictError, MemtraceError, NoArcInstanceError, NotFoundError, RateLimitError } from './errors.js';
export { MEMORY_TYPES } from './types.js';
export type * from './types.js';
