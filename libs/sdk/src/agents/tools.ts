import { tool, type FunctionTool } from '@openai/agents';
import type { Memtrace } from '../client.js';
import { MEMORY_TOOLS, runMemoryTool, type MemoryToolBinding } from '../tools/memory-tools.js';

/** The parameters type `tool()` takes with `strict: false` (the SDK does not export its name). */
type NonStrictParameters = {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: true;
};

/** One of the four memory tools; its output is the JSON text the model reads. */
export type MemtraceTool<TContext = unknown> = FunctionTool<TContext, NonStrictParameters, string>;

/**
 * The four memory tools as Agents SDK function tools, in upstream's order: `memtrace_remember`,
 * `memtrace_recall`, `memtrace_search`, `memtrace_decide`.
 *
 * ```ts
 * const agent = new Agent({ name: 'Support', tools: createMemtraceTools(memtrace, { agentId, sessionId }) });
 * ```
 *
 * The tools write to and read from `agentId` (and file memories under `sessionId`, when given),
 * unless the model names another `agent_id` (shared memory) or `session_id`.
 *
 * **Errors are tool output, not exceptions.** A Memtrace error (a 409 duplicate, a 403 for a
 * read-only key, an unreachable server…) or bad arguments come back to the model as the tool's
 * output, `{"error": "<message>", "status": <http status>}`, and the run goes on. Upstream's Python
 * tools let SDK exceptions propagate, which ended the whole run because memory was briefly
 * unavailable or the model remembered the same fact twice; a model can read the error and
 * recover (rephrase, skip, tell the user), and the run's other tools keep working. The error is
 * also what the Agents SDK's own default does for a throwing tool, but with the SDK's text in
 * place of Memtrace's message and status.
 *
 * The schemas are sent with `strict: false`: their optional fields (tags, importance, since…)
 * cannot be expressed in OpenAI's strict mode, which requires every property.
 */
export function createMemtraceTools<TContext = unknown>(client: Memtrace, binding: MemoryToolBinding): MemtraceTool<TContext>[] {
  const bound: MemoryToolBinding = { agentId: binding.agentId, sessionId: binding.sessionId };
  return MEMORY_TOOLS.map((definition) =>
    tool<NonStrictParameters, TContext, string>({
      name: definition.name,
      description: definition.description,
      // The Agents SDK types a non-strict schema with `additionalProperties: true`; ours says
      // `false` (unknown fields are a mistake the model should not make) and is sent as is.
      parameters: structuredClone(definition.parameters) as unknown as NonStrictParameters,
      strict: false,
      execute: async (input) => (await runMemoryTool(client, bound, definition.name, input)).content,
      // Only reached when the SDK cannot parse the model's arguments as JSON (runMemoryTool never
      // throws): answer in the same `{"error": …}` shape as every other failure.
      errorFunction: (_context, error) => JSON.stringify({ error: error instanceof Error ? error.message : String(error) }),
    }),
  );
}
