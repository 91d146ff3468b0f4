import { DEFAULT_TOOL_LIMIT, MAX_TOOL_LIMIT, MEMORY_TYPES, type MemoryType } from '@memtrace/sdk';
import { z } from 'zod';

/** Pieces of the tools' input schemas (zod, turned into JSON Schema by the MCP SDK for `tools/list`). */

export const memoryType = z.enum(MEMORY_TYPES as [MemoryType, ...MemoryType[]]);

export const agentId = z.string().min(1).describe('The agent\'s id (e.g. "agent_…" from memtrace_agent_register).');

export const since = z.string().describe('How far back to look: <n>m, <n>h or <n>d (e.g. "2h", "7d"), or an RFC 3339 time.');

export const limit = z.number().int().min(1).max(MAX_TOOL_LIMIT).default(DEFAULT_TOOL_LIMIT).describe(`Maximum memories to return (1–${MAX_TOOL_LIMIT}).`);

export const tags = z.array(z.string()).describe('Whole tags; a memory must carry all of them.');

export const metadata = z.record(z.string(), z.unknown());
