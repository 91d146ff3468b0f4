import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type Memtrace, runMemoryTool } from '@memtrace/sdk';
import { z } from 'zod';
import { callTool, fromMemoryToolResult } from './tool-result.mapper';
import { agentId, importance, limit, memoryType, metadata, since, tags } from './tool-input.schemas';

const READ = { readOnlyHint: true, openWorldHint: false } as const;
const WRITE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;
const ERASE = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false } as const;

/**
 * Upstream's four memory tools, run by the SDK's `runMemoryTool` (the same execution and argument
 * checks as the OpenAI, Anthropic and Agents SDK adapters). MCP has no binding to a current agent,
 * so `agent_id` is an input (required except for search) and becomes the call's binding.
 */
export function registerMemoryTools(server: McpServer, client: Memtrace): void {
  // Search's agent filter is optional: an empty binding is "any agent" (the server reads an empty
  // id as "not given", as upstream did).
  const run = (name: string, args: { agent_id?: string }) => runMemoryTool(client, { agentId: args.agent_id ?? '' }, name, args).then(fromMemoryToolResult);

  server.registerTool(
    'memtrace_remember',
    {
      title: 'Remember',
      description: 'Store a memory: something the agent did, observed, learned or decided that is worth recalling later. Keep it to one fact or event.',
      inputSchema: {
        agent_id: agentId.describe('The agent the memory belongs to.'),
        content: z.string().min(1).describe('The memory, in one or two sentences.'),
        memory_type: memoryType.default('episodic').describe('episodic (what happened), decision, entity (a fact about someone or something) or session.'),
        event_type: z.string().min(1).default('general').describe('A short label such as "action", "observation", "error".'),
        session_id: z.string().optional().describe('The session to file it under.'),
        tags: tags.optional().describe('Labels to filter by later.'),
        importance: importance.optional().describe('How much this matters, 0 to 1.'),
        metadata: metadata.optional().describe('Structured details (any JSON object).'),
      },
      annotations: WRITE,
    },
    (args) => run('memtrace_remember', args),
  );

  server.registerTool(
    'memtrace_recall',
    {
      title: 'Recall',
      description: "Recall an agent's recent memories, newest first. Always give a time window (since).",
      inputSchema: {
        agent_id: agentId.describe('The agent whose memories to recall.'),
        since: since.default('24h'),
        session_id: z.string().optional().describe('Only memories of this session.'),
        memory_type: memoryType.optional().describe('Only memories of this type.'),
        limit,
      },
      annotations: READ,
    },
    (args) => run('memtrace_recall', args),
  );

  server.registerTool(
    'memtrace_search',
    {
      title: 'Search memories',
      description: 'Search memories by text, type, tags, time window and importance, newest first. Give a time window (since) whenever you can.',
      inputSchema: {
        agent_id: agentId.optional().describe('Only this agent\'s memories; all agents of the organisation when omitted.'),
        content_contains: z.string().optional().describe('Text the memory must contain (literal, case-sensitive).'),
        memory_types: z.array(memoryType).optional().describe('Any of these types.'),
        tags: tags.optional(),
        since: since.optional(),
        min_importance: importance.optional().describe('Only memories at least this important (0 to 1).'),
        limit,
      },
      annotations: READ,
    },
    (args) => run('memtrace_search', args),
  );

  server.registerTool(
    'memtrace_decide',
    {
      title: 'Record a decision',
      description: 'Record a decision and why it was made, so this and other agents stay consistent with it.',
      inputSchema: {
        agent_id: agentId.describe('The agent that decided.'),
        decision: z.string().min(1).describe('What was decided.'),
        reasoning: z.string().min(1).describe('Why.'),
      },
      annotations: WRITE,
    },
    (args) => run('memtrace_decide', args),
  );

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
