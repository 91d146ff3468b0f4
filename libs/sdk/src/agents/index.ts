/**
 * Memtrace for the OpenAI Agents SDK (`@memtrace/sdk/agents`): the four memory tools as function
 * tools, and a `Session` whose conversation is stored in Memtrace and carries the agent's memory
 * from one session to the next.
 *
 * ```ts
 * import { Agent, run } from '@openai/agents';
 * import { Memtrace } from '@memtrace/sdk';
 * import { createMemtraceTools, MemtraceSession } from '@memtrace/sdk/agents';
 *
 * const memtrace = new Memtrace(url, apiKey);
 * const session = await MemtraceSession.create(memtrace, { agentId: agent.id });
 * const tools = createMemtraceTools(memtrace, { agentId: agent.id, sessionId: session.sessionId });
 * const result = await run(new Agent({ name: 'Support', instructions, tools }), 'Hi!', { session });
 * await session.close();
 * ```
 *
 * `@openai/agents` is an optional peer dependency, needed only by this entry point.
 */
export { createMemtraceTools } from './tools.js';
export type { MemtraceTool } from './tools.js';
export { HISTORY_SINCE_METADATA_KEY, MemtraceSession } from './session.js';
export type { CreateMemtraceSessionOptions, MemtraceSessionLogger, MemtraceSessionOptions, MemtraceSessionStats } from './session.js';
export { ASSISTANT_MESSAGE_EVENT, CONTEXT_PREFIX, USER_MESSAGE_EVENT } from './session-items.js';
