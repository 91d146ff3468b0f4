import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Memtrace } from '@memtrace/sdk';
import { z } from 'zod';
import { callTool } from './tool-result.mapper';

/** Registering, listing and looking up the organisation's agents. */
export function registerAgentTools(server: McpServer, client: Memtrace): void {
  server.registerTool(
    'memtrace_agent_register',
    {
      title: 'Register an agent',
      description:
        'Register an agent (name unique in the organisation). The reply\'s "id" (agent_…) is what memtrace_session_create and the memory tools take as agent_id.',
      inputSchema: {
        name: z.string().min(1).describe('A unique name, e.g. "code-reviewer".'),
        description: z.string().optional().describe('What the agent does.'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ name, description }) => callTool(() => client.registerAgent({ name, description })),
  );

  server.registerTool(
    'memtrace_agent_list',
    {
      title: 'List agents',
      description: "List the organisation's registered agents.",
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () => callTool(() => client.listAgents()),
  );

  server.registerTool(
    'memtrace_agent_get',
    {
      title: 'Get an agent',
      description: 'Look up one registered agent by its id or by its name.',
      inputSchema: { agent_id: z.string().min(1).describe('The agent\'s id ("agent_…") or its name.') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ agent_id }) => callTool(() => client.getAgent(agent_id)),
  );
}
