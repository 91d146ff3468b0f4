import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type ContextOptions, type Memtrace, NotFoundError, type SessionContext } from '@memtrace/sdk';
import { z } from 'zod';
import { callTool, textResult } from './tool-result.mapper';
import { agentId, memoryType, metadata, since } from './tool-input.schemas';

/** Sessions: start one, and render one as markdown for a prompt. */
export function registerSessionTools(server: McpServer, client: Memtrace): void {
  server.registerTool(
    'memtrace_session_create',
    {
      title: 'Start a session',
      description: 'Start a session (one run or conversation of an agent) to file memories under.',
      inputSchema: {
        agent_id: agentId.describe(
          'The agent: a registered agent\'s id or name, or the agent id its memories carry (e.g. "support_agent"); the session keeps it as given.',
        ),
        metadata: metadata.optional().describe('Anything worth keeping about the session (any JSON object).'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ agent_id, metadata }) => callTool(() => client.createSession({ agent_id, metadata })),
  );

  server.registerTool(
    'memtrace_session_context',
    {
      title: 'Session context',
      description:
        "A session's memories rendered as markdown (recent actions, decisions, errors), ready to paste into a prompt. Give a time window (since) and a token budget when you can.",
      inputSchema: {
        session_id: z.string().min(1).describe('The session id.'),
        since: since.optional().describe('How far back to look: <n>m, <n>h or <n>d (default "24h").'),
        include_types: z.array(memoryType).optional().describe('Only memories of these types.'),
        max_tokens: z.number().int().min(1).optional().describe('Token budget of the rendered text; older, less important lines are left out first.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ session_id, since, include_types, max_tokens }) =>
      callTool(() => sessionContext(client, session_id, { since, include_types, max_tokens }), (reply) => textResult(reply.context)),
  );
}

/**
 * The context route renders an unknown session as an empty block, as upstream did. A model that
 * mistyped the id learns more from a 404, so the session is looked up alongside; memories filed
 * under a session id that was never registered (the write path allows it) still render.
 */
async function sessionContext(client: Memtrace, sessionId: string, options: ContextOptions): Promise<SessionContext> {
  const [unknownSession, context] = await Promise.all([
    client.getSession(sessionId).then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof NotFoundError) return error;
        throw error;
      },
    ),
    client.getSessionContext(sessionId, options),
  ]);
  if (unknownSession && context.memory_count === 0) throw unknownSession;
  return context;
}
