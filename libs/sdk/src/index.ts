export { Memtrace } from './client.js';
export type { MemtraceOptions } from './client.js';
export { AuthenticationError, ConflictError, MemtraceError, NoArcInstanceError, NotFoundError, RateLimitError } from './errors.js';
export { MEMORY_TYPES } from './types.js';
export type * from './types.js';
export { answersToolCall, DEFAULT_TOOL_LIMIT, isMemoryToolName, MAX_TOOL_LIMIT, MEMORY_TOOL_NAMES, MEMORY_TOOLS, runMemoryTool } from './tools/memory-tools.js';
export type { JsonSchema, MemoryToolBinding, MemoryToolCallOptions, MemoryToolDefinition, MemoryToolName, MemoryToolResult } from './tools/memory-tools.js';
