import type { Memtrace } from '../client.js';
import { MemtraceError } from '../errors.js';
import { MEMORY_TYPES, type MemoryType } from '../types.js';

/**
 * The four memory tools a model can call (remember, recall, search, decide), defined once and
 * adapted to each provider's format by `openai`, `anthropic` and `agents`; the MCP server
 * (libs/mcp) serves the same tools from `unboundParameters`.
 */

export const MEMORY_TOOL_NAMES = ['memtrace_remember', 'memtrace_recall', 'memtrace_search', 'memtrace_decide'] as const;
export type MemoryToolName = (typeof MEMORY_TOOL_NAMES)[number];

/** A JSON Schema object, as every provider takes a tool's parameters. */
export interface JsonSchema {
  type: 'object';
  properties: Record<string, unknown>;
  required: string[];
  additionalProperties: false;
}

export interface MemoryToolDefinition {
  name: MemoryToolName;
  description: string;
  /**
   * The arguments for tools bound to an agent (`MemoryToolBinding`), as the OpenAI, Anthropic and
   * Agents SDK adapters send them: `agent_id` is optional and names another agent (shared memory).
   */
  parameters: JsonSchema;
  /**
   * The same arguments for a caller with no agent of its own, such as the MCP server: `agent_id` is
   * required, except where it only narrows the result (search, which reads every agent without it).
   */
  unboundParameters: JsonSchema;
}

/** Where the tools write and read unless the model names another agent (shared memory). */
export interface MemoryToolBinding {
  agentId: string;
  sessionId?: string;
}

/** What a tool call produced: JSON text for the model, and whether it is an error the model should see. */
export interface MemoryToolResult {
  content: string;
  isError: boolean;
}

/** Recall and search return at most this many memories, so one call cannot flood the context window. */
export const MAX_TOOL_LIMIT = 200;
export const DEFAULT_TOOL_LIMIT = 50;
const DEFAULT_RECALL_WINDOW = '24h';

const since = {
  type: 'string',
  description: 'How far back to look: <n>m, <n>h or <n>d (e.g. "2h", "7d"), or an RFC 3339 time.',
};
const limit = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_TOOL_LIMIT,
  default: DEFAULT_TOOL_LIMIT,
  description: `Maximum memories to return, 1 to ${MAX_TOOL_LIMIT} (default ${DEFAULT_TOOL_LIMIT}).`,
};
const memoryType = { type: 'string', enum: [...MEMORY_TYPES] };
const stringList = { type: 'array', items: { type: 'string' } };
const text = (description: string) => ({ type: 'string', minLength: 1, description });
const fraction = (description: string) => ({ type: 'number', minimum: 0, maximum: 1, description });

/** Whether the caller is bound to an agent (and maybe a session) that the tools default to. */
type Caller = 'bound' | 'unbound';

/** How a tool takes `agent_id` from a caller without a binding: as the agent it acts for, or as a filter. */
interface AgentArgument {
  description: string;
  filter?: true;
}

/** The part of a description that is only true with a binding, e.g. " Defaults to the current session." */
function whenBound(caller: Caller, sentence: string): string {
  return caller === 'bound' ? ` ${sentence}` : '';
}

function parameters(caller: Caller, agent: AgentArgument, properties: Record<string, unknown>, required: string[] = []): JsonSchema {
  if (caller === 'bound') {
    const agentOverride = { type: 'string', description: "Another agent's id, to read or write shared memory. Defaults to this agent." };
    return { type: 'object', properties: { ...properties, agent_id: agentOverride }, required, additionalProperties: false };
  }
  return {
    type: 'object',
    properties: { agent_id: text(agent.description), ...properties },
    required: agent.filter ? required : ['agent_id', ...required],
    additionalProperties: false,
  };
}

/** The four tools, each with its arguments for either kind of caller: the one definition the adapters and the MCP server share. */
const TOOLS: ReadonlyArray<{ name: MemoryToolName; description: string; parameters: (caller: Caller) => JsonSchema }> = [
  {
    name: 'memtrace_remember',
    description: 'Store a memory: something you did, observed or learned that is worth recalling later. Keep it to one fact or event.',
    parameters: (caller) =>
      parameters(
        caller,
        { description: 'The agent the memory belongs to.' },
        {
          content: text('The memory, in one or two sentences.'),
          memory_type: { ...memoryType, default: 'episodic', description: 'episodic (what happened), decision, entity (a fact about someone or something) or session.' },
          event_type: { ...text('A short label such as "action", "observation", "error".'), default: 'general' },
          session_id: { type: 'string', description: `The session to file it under.${whenBound(caller, 'Defaults to the current session.')}` },
          tags: { ...stringList, description: 'Labels to filter by later.' },
          importance: fraction('How much this matters, 0 to 1.'),
          metadata: { type: 'object', description: 'Structured details (any JSON object).' },
        },
        ['content'],
      ),
  },
  {
    name: 'memtrace_recall',
    description: 'Recall recent memories, newest first. Always give a time window (since).',
    parameters: (caller) =>
      parameters(
        caller,
        { description: 'The agent whose memories to recall.' },
        {
          since: { ...since, default: DEFAULT_RECALL_WINDOW },
          limit,
          memory_type: { ...memoryType, description: 'Only memories of this type.' },
          session_id: { type: 'string', description: `Only memories of this session.${whenBound(caller, 'Defaults to the current session, if any.')}` },
        },
      ),
  },
  {
    name: 'memtrace_search',
    description: 'Search memories by text, type, tags, time window and importance, newest first. Give a time window (since) whenever you can.',
    parameters: (caller) =>
      parameters(
        caller,
        { description: "Only this agent's memories; all agents of the organisation when omitted.", filter: true },
        {
          content_contains: { type: 'string', description: 'Text the memory must contain (literal, case-sensitive).' },
          memory_types: { type: 'array', items: memoryType, description: 'Any of these types.' },
          tags: { ...stringList, description: 'Memories carrying all of these tags.' },
          since,
          min_importance: fraction('Only memories at least this important (0 to 1).'),
          limit,
        },
      ),
  },
  {
    name: 'memtrace_decide',
    description: 'Record a decision you made and why, so you and other agents can stay consistent with it.',
    parameters: (caller) =>
      parameters(caller, { description: 'The agent that decided.' }, { decision: text('What was decided.'), reasoning: text('Why.') }, ['decision', 'reasoning']),
  },
];

export const MEMORY_TOOLS: readonly MemoryToolDefinition[] = TOOLS.map((tool) => ({
  name: tool.name,
  description: tool.description,
  parameters: tool.parameters('bound'),
  unboundParameters: tool.parameters('unbound'),
}));

export function isMemoryToolName(name: string): name is MemoryToolName {
  return (MEMORY_TOOL_NAMES as readonly string[]).includes(name);
}

/** How the provider adapters treat a model's call to a tool that is not a memory tool. */
export interface MemoryToolCallOptions {
  /**
   * `'skip'` (the default) leaves it out of the result, for your own code to answer; `'error'`
   * answers it with an error the model can read, for when the memory tools are the only tools
   * you gave the model.
   */
  unknownTools?: 'skip' | 'error';
}

/** Whether an adapter runs (and answers) a call to the tool `name`. */
export function answersToolCall(name: string, options: MemoryToolCallOptions): boolean {
  return isMemoryToolName(name) || options.unknownTools === 'error';
}

/**
 * Runs one tool call. Never throws: bad arguments and Memtrace errors come back as an error result
 * (`{"error": …, "status": …}`) that the model can read and recover from.
 */
export async function runMemoryTool(client: Memtrace, binding: MemoryToolBinding, name: string, args: unknown): Promise<MemoryToolResult> {
  try {
    const input = parseArguments(args);
    const output = await dispatch(client, binding, name, input);
    return { content: JSON.stringify(output), isError: false };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { statusCode: status, hint } = error instanceof MemtraceError ? error : { statusCode: 0, hint: undefined };
    return { content: JSON.stringify({ error: message, ...(status ? { status } : {}), ...(hint ? { hint } : {}) }), isError: true };
  }
}

type Input = Record<string, unknown>;

async function dispatch(client: Memtrace, binding: MemoryToolBinding, name: string, input: Input): Promise<unknown> {
  const agentId = optionalString(input, 'agent_id') ?? binding.agentId;
  switch (name) {
    case 'memtrace_remember':
      return client.addMemory({
        agent_id: agentId,
        content: requiredString(input, 'content'),
        memory_type: optionalMemoryType(input.memory_type),
        event_type: optionalString(input, 'event_type'),
        session_id: optionalString(input, 'session_id') ?? binding.sessionId,
        tags: optionalStrings(input, 'tags'),
        importance: optionalNumber(input, 'importance'),
        metadata: optionalObject(input, 'metadata'),
      });
    case 'memtrace_recall':
      return client.listMemories({
        agent_id: agentId,
        session_id: optionalString(input, 'session_id') ?? binding.sessionId,
        memory_type: optionalMemoryType(input.memory_type),
        since: optionalString(input, 'since') ?? DEFAULT_RECALL_WINDOW,
        limit: toolLimit(input),
        order: 'desc',
      });
    case 'memtrace_search':
      return client.searchMemories({
        agent_id: agentId,
        content_contains: optionalString(input, 'content_contains'),
        memory_types: optionalStrings(input, 'memory_types')?.map((type) => optionalMemoryType(type)!),
        tags: optionalStrings(input, 'tags'),
        since: optionalString(input, 'since'),
        min_importance: optionalNumber(input, 'min_importance'),
        limit: toolLimit(input),
        order: 'desc',
      });
    case 'memtrace_decide':
      return client.decide(agentId, requiredString(input, 'decision'), requiredString(input, 'reasoning'));
    default:
      throw new Error(`unknown tool '${name}'; the memory tools are ${MEMORY_TOOL_NAMES.join(', ')}`);
  }
}

/** Providers hand over arguments as a JSON string (OpenAI) or an object (Anthropic, MCP). */
function parseArguments(args: unknown): Input {
  let value = args ?? {};
  if (typeof value === 'string') {
    try {
      value = value.trim() ? JSON.parse(value) : {};
    } catch {
      throw new Error('the tool arguments are not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the tool arguments must be a JSON object');
  return value as Input;
}

function requiredString(input: Input, field: string): string {
  const value = optionalString(input, field);
  if (!value) throw new Error(`'${field}' is required`);
  return value;
}

function optionalString(input: Input, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`'${field}' must be a string`);
  return value;
}

function optionalStrings(input: Input, field: string): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new Error(`'${field}' must be an array of strings`);
  return value.length ? value : undefined;
}

function optionalNumber(input: Input, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`'${field}' must be a number`);
  return value;
}

function optionalObject(input: Input, field: string): Record<string, unknown> | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`'${field}' must be an object`);
  return value as Record<string, unknown>;
}

function optionalMemoryType(value: unknown): MemoryType | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!MEMORY_TYPES.includes(value as MemoryType)) throw new Error(`memory type must be one of ${MEMORY_TYPES.join(', ')}, got ${JSON.stringify(value)}`);
  return value as MemoryType;
}

function toolLimit(input: Input): number {
  const value = optionalNumber(input, 'limit') ?? DEFAULT_TOOL_LIMIT;
  return Math.min(Math.max(1, Math.floor(value)), MAX_TOOL_LIMIT);
}
