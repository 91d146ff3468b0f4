/**
 * The four memory tools in OpenAI's two formats: Chat Completions (`tools` / `tool_calls` / `tool`
 * messages) and Responses (`tools` / `function_call` items / `function_call_output` items).
 * The tools themselves are defined once, provider-neutral, in `../tools/memory-tools.ts`.
 */
import type { ChatCompletionFunctionTool, ChatCompletionMessage, ChatCompletionToolMessageParam } from 'openai/resources/chat/completions';
import type { FunctionTool, Response, ResponseInputItem, ResponseOutputItem } from 'openai/resources/responses/responses';
import type { Memtrace } from '../client.js';
import { answersToolCall, MEMORY_TOOLS, runMemoryTool, type MemoryToolBinding, type MemoryToolCallOptions } from '../tools/memory-tools.js';

export type HandleToolCallsOptions = MemoryToolCallOptions;

/**
 * The memory tools (remember, recall, search, decide) for `chat.completions.create({ tools })`.
 * A fresh copy on every call, so changing one list never changes another. Not `strict`: the
 * schemas have optional fields, which strict mode does not allow.
 */
export function openaiTools(): ChatCompletionFunctionTool[] {
  return MEMORY_TOOLS.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: { ...structuredClone(tool.parameters) } },
  }));
}

/** The memory tools for `responses.create({ tools })`. */
export function openaiResponsesTools(): FunctionTool[] {
  return MEMORY_TOOLS.map((tool) => ({
    type: 'function',
    name: tool.name,
    description: tool.description,
    parameters: { ...structuredClone(tool.parameters) },
    strict: false,
  }));
}

/**
 * Runs the memory-tool calls of an assistant message (`completion.choices[0].message`), one after
 * another in order, and returns one `tool` message per call, ready to append to `messages` after
 * the assistant message itself.
 *
 * It never throws: bad arguments and Memtrace errors (a 403 for a read-only key, a 409
 * duplicate…) come back as tool content `{"error": …, "status": …}` that the model can read.
 *
 * Calls to tools that are not memory tools are skipped by default, so you can mix in your own
 * tools: answer those yourself and append their `tool` messages too (the API rejects a request
 * that leaves any tool call unanswered). Pass `{ unknownTools: 'error' }` when the memory tools
 * are the only ones, so a call to a tool the model made up still gets an answer.
 *
 * @param binding the agent (and session) the tools write to and read from, unless the model names
 *   another `agent_id` (shared memory) or `session_id`.
 */
export async function handleToolCalls(
  client: Memtrace,
  binding: MemoryToolBinding,
  message: Pick<ChatCompletionMessage, 'tool_calls'>,
  options: HandleToolCallsOptions = {},
): Promise<ChatCompletionToolMessageParam[]> {
  const replies: ChatCompletionToolMessageParam[] = [];
  // One after another: a recall after a remember in the same turn should see what was remembered.
  for (const call of message.tool_calls ?? []) {
    const name = call.type === 'function' ? call.function.name : call.custom.name;
    const args = call.type === 'function' ? call.function.arguments : call.custom.input;
    if (!answersToolCall(name, options)) continue;
    const result = await runMemoryTool(client, binding, name, args);
    replies.push({ role: 'tool', tool_call_id: call.id, content: result.content });
  }
  return replies;
}

/**
 * The same for the Responses API: runs the memory-tool `function_call` items of a response (or of
 * its `output`) and returns one `function_call_output` item per call, for the next request's
 * `input` (with `previous_response_id`, or after the response's output items).
 */
export async function handleFunctionCalls(
  client: Memtrace,
  binding: MemoryToolBinding,
  response: Pick<Response, 'output'> | readonly ResponseOutputItem[],
  options: HandleToolCallsOptions = {},
): Promise<ResponseInputItem.FunctionCallOutput[]> {
  const items = isOutputList(response) ? response : response.output;
  const outputs: ResponseInputItem.FunctionCallOutput[] = [];
  for (const item of items) {
    if (item.type !== 'function_call' || !answersToolCall(item.name, options)) continue;
    const result = await runMemoryTool(client, binding, item.name, item.arguments);
    outputs.push({ type: 'function_call_output', call_id: item.call_id, output: result.content });
  }
  return outputs;
}

function isOutputList(value: Pick<Response, 'output'> | readonly ResponseOutputItem[]): value is readonly ResponseOutputItem[] {
  return Array.isArray(value);
}
