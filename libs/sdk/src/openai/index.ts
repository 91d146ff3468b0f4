/**
 * Memtrace for the OpenAI API (`@memtrace/sdk/openai`). Two ways in:
 *
 * 1. **Tools** — give the model the four memory tools and run the calls it makes:
 *
 * ```ts
 * const tools = openaiTools();
 * let message = (await openai.chat.completions.create({ model, messages, tools })).choices[0].message;
 * while (message.tool_calls?.length) {
 *   messages.push(message, ...(await handleToolCalls(memtrace, { agentId, sessionId }, message)));
 *   message = (await openai.chat.completions.create({ model, messages, tools })).choices[0].message;
 * }
 * ```
 *
 *    For the Responses API: `openaiResponsesTools()` and `handleFunctionCalls(memtrace, binding, response)`.
 *
 * 2. **Automatic memory** — `withMemory(openai, memtrace, { agent, user })` returns the client with
 *    each exchange recorded and the pair's memories added to the instructions.
 *
 * `openai` is an optional peer dependency: only its types are used here.
 */
export { handleFunctionCalls, handleToolCalls, openaiResponsesTools, openaiTools } from './tools.js';
export type { HandleToolCallsOptions } from './tools.js';
export { withMemory } from './with-memory.js';
export type { MemoryControls, OpenAILike, WithMemory, WithMemoryOptions } from './with-memory.js';
export { userTag, USER_METADATA_KEY } from './conversation-memory.js';
export type { MemoryLogger, MemoryPair, MemoryScope, MemoryStats } from './conversation-memory.js';
export type { ReplyWithResponse } from './memory-call.js';
export type { MemoryToolBinding } from '../tools/memory-tools.js';
