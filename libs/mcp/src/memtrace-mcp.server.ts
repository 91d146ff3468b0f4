import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Memtrace } from '@memtrace/sdk';
import { registerAgentTools } from './tools/agent.tools';
import { registerMemoryTools } from './tools/memory.tools';
import { registerSessionTools } from './tools/session.tools';

/** Every tool, in the order `tools/list` answers them: upstream's seven, then the list/get tools. */
export const MCP_TOOL_NAMES = [
  'memtrace_remember',
  'memtrace_recall',
  'memtrace_search',
  'memtrace_decide',
  'memtrace_memory_list',
  'memtrace_forget',
  'memtrace_erasure_get',
  'memtrace_memory_get',
  'memtrace_agent_register',
  'memtrace_agent_list',
  'memtrace_agent_get',
  'memtrace_session_create',
  'memtrace_session_context',
] as const;

export const MCP_SERVER_NAME = 'memtrace';
export const MCP_SERVER_TITLE = 'Memtrace — Memory for AI Agents';

export const MCP_INSTRUCTIONS = [
  'Memtrace is persistent, time-stamped memory for AI agents, shared by every agent of the organisation.',
  'Always give a time window when reading memories: pass `since` (e.g. "30m", "2h", "7d") to memtrace_recall, memtrace_search, memtrace_memory_list and memtrace_session_context, choosing the shortest window that answers the question.',
  'Use one agent_id per agent for its memories and sessions: a name such as "support_agent", or the "id" memtrace_agent_register returns (an agent is found by its id or its name); start a session with memtrace_session_create to group the memories of one run.',
  'Store one fact or event per memtrace_remember call, and record decisions with their reasoning via memtrace_decide.',
  'memtrace_forget erases memories for good: use it only when asked to forget something, narrow it with filters, and run it with dry_run first.',
].join('\n');

export interface MemtraceMcpServerOptions {
  /** Reported in `initialize`; defaults to the package's version. */
  version?: string;
}

/**
 * An MCP server whose tools call Memtrace through `client` (so through the REST API, with the
 * client's key, scopes and limits). Connect it to any transport: stdio, or streamable HTTP.
 */
export function createMemtraceMcpServer(client: Memtrace, options: MemtraceMcpServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, title: MCP_SERVER_TITLE, version: options.version ?? '0.1.0' },
    { instructions: MCP_INSTRUCTIONS, capabilities: { tools: {} } },
  );
  registerMemoryTools(server, client);
  registerAgentTools(server, client);
  registerSessionTools(server, client);
  return server;
}
