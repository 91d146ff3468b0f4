/**
 * The memory tools for the Anthropic Messages API (`@memtrace/sdk/anthropic`).
 *
 * ```ts
 * const tools = anthropicTools();
 * let reply = await anthropic.messages.create({ model, max_tokens, system, tools, messages });
 * while (reply.stop_reason === 'tool_use') {
 *   messages.push({ role: 'assistant', content: reply.content });
 *   messages.push({ role: 'user', content: await handleToolUse(memtrace, { agentId, sessionId }, reply.content) });
 *   reply = await anthropic.messages.create({ model, max_tokens, system, tools, messages });
 * }
 * ```
 *
 * `@anthropic-ai/sdk` is an optional peer dependency: only its types are used here.
 */
import type { ContentBlock, Tool, ToolResultBlockParam, ToolUseBlock } from '@anthropic-ai/sdk/resources/messages';
import type { Memtrace } from '../client.js';
import { answersToolCall, isMemoryToolName, MEMORY_TOOLS, runMemoryTool, type MemoryToolBinding, type MemoryToolCallOptions, type MemoryToolName } from '../tools/memory-tools.js';

/** A `tool_use` block that calls one of the memory tools. */
export type MemoryToolUseBlock = ToolUseBlock & { name: MemoryToolName };

export type HandleToolUseOptions = MemoryToolCallOptions;

/**
 * The four memory tools (remember, recall, search, decide) as Anthropic tool definitions, for the
 * `tools` parameter of `messages.create` / `messages.stream`. A fresh copy on every call, so adding
 * `cache_control` to one does not change another.
 */
export function anthropicTools(): Tool[] {
  return MEMORY_TOOLS.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { ...structuredClone(tool.parameters) }, // spread: `Tool` wants an index signature
  }));
}

/** Whether a content block is a `tool_use` of one of the memory tools. */
export function isMemoryToolUse(block: { type: string; name?: string }): block is MemoryToolUseBlock {
  return block.type === 'tool_use' && typeof block.name === 'string' && isMemoryToolName(block.name);
}

/**
 * Runs every memory-tool `tool_use` block of an assistant message, in order, and returns one
 * `tool_result` block per call, ready to send back as (part of) the next user message.
 *
 * It never throws: bad arguments and Memtrace errors (a 403 for a read-only key, a 409 duplicate…)
 * come back as `is_error: true` results whose content is `{"error": …, "status": …}`, so the model
 * can read them and recover. Text, thinking and other blocks are ignored.
 *
 * Blocks naming a tool that is not a memory tool are skipped by default, so you can mix in your own
 * tools: answer those yourself and send all the `tool_result` blocks in one user message (the API
 * rejects a turn that leaves any `tool_use` unanswered). Pass `{ unknownTools: 'error' }` when the
 * memory tools are the only ones, so a call to a tool the model made up still gets an answer.
 *
 * @param binding the agent (and session) the tools write to and read from, unless the model names
 *   another `agent_id` (shared memory) or `session_id`.
 */
export async function handleToolUse(
  client: Memtrace,
  binding: MemoryToolBinding,
  content: readonly ContentBlock[],
  options: HandleToolUseOptions = {},
): Promise<ToolResultBlockParam[]> {
  const results: ToolResultBlockParam[] = [];
  // One after another: a recall after a remember in the same turn should see what was remembered.
  for (const block of content) {
    if (block.type !== 'tool_use' || !answersToolCall(block.name, options)) continue;
    const result = await runMemoryTool(client, binding, block.name, block.input);
    results.push(toolResult(block.id, result.content, result.isError));
  }
  return results;
}

function toolResult(toolUseId: string, content: string, isError: boolean): ToolResultBlockParam {
  return isError ? { type: 'tool_result', tool_use_id: toolUseId, content, is_error: true } : { type: 'tool_result', tool_use_id: toolUseId, content };
}
