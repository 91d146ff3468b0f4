import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { MEMORY_TOOLS, type Memtrace, type MemoryToolDefinition, type MemoryToolName, runMemoryTool } from '@memtrace/sdk';
import { z } from 'zod';
import { callTool, fromMemoryToolResult } from './tool-result.mapper';
import { agentId, limit, memoryType, since, tags } from './tool-input.schemas';

const READ = { readOnlyHint: true, openWorldHint: false } as const;
const WRITE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;
const ERASE = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false } as const;

/** What only MCP shows of upstream's four memory tools; their names, descriptions and arguments are the SDK's. */
const PRESENTATION: Record<MemoryToolName, { title: string; annotations: ToolAnnotations }> = {
  memtrace_remember: { title: 'Remember', annotations: WRITE },
  memtrace_recall: { title: 'Recall', annotations: READ },
  memtrace_search: { title: 'Search memories', annotations: READ },
  memtrace_decide: { title: 'Record a decision', annotations: WRITE },
};

/**
 * A memory tool's arguments as the MCP server takes them: the SDK's JSON Schema for a caller with
 * no agent of its own (`unboundParameters`), as zod. The MCP SDK validates every call with it
 * (defaults applied, unknown fields refused) and lists it back as JSON Schema in `tools/list`.
 */
export function memoryToolInputSchema(definition: MemoryToolDefinition): z.ZodType {
  return z.fromJSONSchema(definition.unboundParameters as Parameters<typeof z.fromJSONSchema>[0]);
}

/**
 * Upstream's four memory tools, defined once in the SDK (`MEMORY_TOOLS`) and run by its
 * `runMemoryTool` (the same execution and argument checks as the OpenAI, Anthropic and Agents SDK
 * adapters). MCP has no binding to a current agent, so `agent_id` is an input (required except for
 * search) and becomes the call's binding; then the list, forget and get tools, which are MCP's own.
 */
export function registerMemoryTools(server: McpServer, client: Memtrace): void {
  // Search's agent filter is optional: an empty binding is "any agent" (the server reads an empty
  // id as "not given", as upstream did).
  for (const definition of MEMORY_TOOLS) {
    server.registerTool(
      definition.name,
      { ...PRESENTATION[definition.name], description: definition.description, inputSchema: memoryToolInputSchema(definition) },
      (args) => {
        const agentId = (args as { agent_id?: string }).agent_id ?? '';
        return runMemoryTool(client, { agentId }, definition.name, args).then(fromMemoryToolResult);
      },
    );
  }

  server.registerTool(
    'memtrace_memory_list',
    {
      title: 'List memories',
      description: 'List memories by structured filters (agent, session, type, event type, tags, time window), with paging.',
      inputSchema: {
        agent_id: agentId.optional().describe('Only this agent\'s memories.'),
        session_id: z.string().optional().describe('Only this session\'s memories.'),
        memory_type: memoryType.optional(),
        event_type: z.string().optional(),
        tags: tags.optional(),
        since: since.optional(),
        until: since.optional().describe('Up to this point: <n>m, <n>h or <n>d ago, or an RFC 3339 time.'),
        limit,
        offset: z.number().int().min(0).optional().describe('Memories to skip, for the next page.'),
        order: z.enum(['asc', 'desc']).default('desc').describe('desc: newest first; asc: oldest first.'),
      },
      annotations: READ,
    },
    (args) => callTool(() => client.listMemories(args)),
  );

  server.registerTool(
    'memtrace_forget',
    {
      title: 'Forget memories',
      description:
        'Erase for good every memory matching the filters (at least one), including ones still on their way to the store. Try dry_run: true first to see how many match. Returns a receipt; memtrace_erasure_get follows it to "done".',
      inputSchema: {
        agent_id: agentId.optional().describe("Only this agent's memories."),
        session_id: z.string().optional().describe("Only this session's memories."),
        memory_type: z.union([memoryType, z.array(memoryType)]).optional().describe('Only memories of this type (or any of these).'),
        event_type: z.union([z.string(), z.array(z.string())]).optional(),
        tags: tags.optional().describe('Only memories carrying every one of these tags.'),
        since: since.optional().describe('Only memories after this: <n>m, <n>h or <n>d ago, or an RFC 3339 time.'),
        until: since.optional().describe('Only memories before this.'),
        dry_run: z.boolean().default(false).describe('Count the matching memories; erase nothing.'),
      },
      annotations: ERASE,
    },
    (args) => callTool(() => client.forget(args)),
  );

  server.registerTool(
    'memtrace_erasure_get',
    {
      title: 'Get an erasure',
      description: 'The receipt of an erasure started by memtrace_forget: status (pending, running, done, failed), matched, erased.',
      inputSchema: { id: z.string().min(1).describe('The erasure id from memtrace_forget.') },
      annotations: READ,
    },
    ({ id }) => callTool(() => client.getErasure(id)),
  );

  server.registerTool(
    'memtrace_memory_get',
    {
      title: 'Get a memory',
      description: 'Fetch one memory by its id (the "id" field of a stored memory).',
      inputSchema: { id: z.string().min(1).describe('The memory id (a UUID).') },
      annotations: READ,
    },
    ({ id }) => callTool(() => client.getMemory(id)),
  );
}
