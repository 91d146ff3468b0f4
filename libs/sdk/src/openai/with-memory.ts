/**
 * `withMemory(openai, memtrace, { agent, user })`: an OpenAI client that remembers. Before each
 * `chat.completions.create` / `responses.create` it adds what the persona remembers about the user
 * to the instructions; after it, it records the user's message and the reply in Memtrace.
 */
import type { Memtrace } from '../client.js';
import { chatAdapter } from './chat.adapter.js';
import { type ContextSettings, ConversationMemory, type MemoryLogger, type MemoryPair, type MemoryScope, type MemoryStats } from './conversation-memory.js';
import { MemoryCall, tapStream, type ApiPromiseLike } from './memory-call.js';
import { responsesAdapter } from './responses.adapter.js';
import { isRecord, type TurnAdapter } from './turn-adapter.js';

export interface WithMemoryOptions {
  /** The persona: the agent's name, registered in Memtrace on first use (or found by name). */
  agent: string;
  /** The end user the conversation is about. Each (agent, user) pair has its own memory. */
  user: string;
  /** How far back the context reaches: `<n>m`, `<n>h` or `<n>d`. Default `'7d'`. */
  since?: string;
  /** Token budget of the context added to the instructions. Default 1000. */
  maxContextTokens?: number;
  /**
   * How long a completion waits for its context (and, on first use, for the persona and session to
   * be set up) before going out without it. Default 2000 ms.
   */
  contextTimeoutMs?: number;
  /** Record each user message and reply. Default true; false only reads memory. */
  record?: boolean;
  /** Where background failures are reported. Default `console`. */
  logger?: MemoryLogger;
}

/** The memory side of a wrapped client, at `client.memory`. */
export interface MemoryControls<T> {
  readonly agent: string;
  readonly user: string;
  /** The same client and persona for another user (same caches, stats and `flush`). */
  forUser(user: string): WithMemory<T>;
  /** The same client and user with another persona. */
  forAgent(agent: string): WithMemory<T>;
  /** Waits for every recording started so far: before exit, or before reading memories back. */
  flush(): Promise<void>;
  /** A snapshot of the counts, shared by this client and those derived from it. */
  readonly stats: MemoryStats;
  /** The persona's agent id and the pair's session id (registering / creating them if needed). */
  scope(): Promise<MemoryScope>;
}

export type WithMemory<T> = T & { readonly memory: MemoryControls<T> };

/** What `withMemory` needs of a client: `openai`'s `OpenAI` and `AzureOpenAI` fit. */
export interface OpenAILike {
  chat: { completions: { create(...args: never[]): unknown } };
  responses?: { create(...args: never[]): unknown };
}

interface Settings extends MemoryPair, ContextSettings {
  record: boolean;
}

type Create = (body: unknown, options?: unknown) => ApiPromiseLike<unknown>;

/**
 * Returns `openai` with automatic memory for the pair (`agent`, `user`): a client of the same
 * type, plus `memory` (see {@link MemoryControls}).
 *
 * - **Scope.** A pair's memories live in one Memtrace session (metadata `memtrace_user`), found
 *   with `listSessions` or created on first use, and the context comes from that session only:
 *   another user's or persona's memories never reach the prompt.
 * - **Context.** When the pair has memories, the rendered context is appended to the first
 *   `system`/`developer` message (or a system message is put first) or to the Responses
 *   `instructions`. The caller's request object is never changed. If it cannot be fetched, the
 *   request goes out without it (`stats.contextFailures`, logged).
 * - **Recording.** After the reply, the user's new message (the last user message, unless the
 *   request continues a turn with tool results) and the reply text are stored as episodic
 *   memories (`user_message` / `assistant_message`, tag `user.<user>`) in the background: it
 *   never delays or fails the completion; failures are counted in `stats.failed` and logged.
 *   A reply that is only tool calls records no assistant text. Call `memory.flush()` to wait.
 * - **Streams** (`stream: true`) yield exactly the original chunks or events; the reply is
 *   recorded when the stream ends (only the user's message, if it fails or you stop early).
 * - **Errors** of the model reach you unchanged, and nothing is recorded for that call.
 * - Only `chat.completions.create` and `responses.create` are wrapped. `withResponse()` works;
 *   `asResponse()` works but records no reply. Helpers that call the unwrapped client internally
 *   (`chat.completions.parse`/`stream`/`runTools`, `responses.parse`/`stream`, `withOptions`)
 *   pass through without memory.
 * - Recording is asynchronous: a call made before the previous one's recording lands (no
 *   `flush()` in between) may not see that exchange in its context yet.
 */
export function withMemory<T extends OpenAILike>(openai: T, memtrace: Memtrace, options: WithMemoryOptions): WithMemory<T> {
  const settings: Settings = {
    agent: requireText(options?.agent, 'agent'),
    user: requireText(options?.user, 'user'),
    since: options.since ?? '7d',
    maxTokens: options.maxContextTokens ?? 1000,
    timeoutMs: options.contextTimeoutMs ?? 2000,
    record: options.record ?? true,
  };
  if (!Number.isInteger(settings.maxTokens) || settings.maxTokens <= 0) throw new TypeError('withMemory: maxContextTokens must be a positive integer');
  if (!(settings.timeoutMs > 0)) throw new TypeError('withMemory: contextTimeoutMs must be a positive number');
  return wrap(openai, new ConversationMemory(memtrace, options.logger ?? console), settings);
}

function wrap<T extends OpenAILike>(openai: T, memory: ConversationMemory, settings: Settings): WithMemory<T> {
  const pair: MemoryPair = { agent: settings.agent, user: settings.user };
  const controls: MemoryControls<T> = {
    agent: pair.agent,
    user: pair.user,
    forUser: (user) => wrap(openai, memory, { ...settings, user: requireText(user, 'user') }),
    forAgent: (agent) => wrap(openai, memory, { ...settings, agent: requireText(agent, 'agent') }),
    flush: () => memory.flush(),
    get stats() {
      return { ...memory.stats };
    },
    scope: () => memory.scope(pair),
  };
  const remember = <B, R, E>(resource: object, adapter: TurnAdapter<B, R, E>) =>
    remembering(resource, (resource as { create: Create }).create, adapter, { openai, memory, settings, pair });

  const completions = overlay(openai.chat.completions, { create: remember(openai.chat.completions, chatAdapter) });
  const overrides: Record<PropertyKey, unknown> = { chat: overlay(openai.chat, { completions }), memory: controls };
  if (openai.responses) overrides.responses = overlay(openai.responses, { create: remember(openai.responses, responsesAdapter) });
  return overlay(openai, overrides) as WithMemory<T>;
}

interface CallContext {
  openai: object;
  memory: ConversationMemory;
  settings: Settings;
  pair: MemoryPair;
}

/** `create` with memory: context in before the request, the exchange recorded after the reply. */
function remembering<B, R, E>(resource: object, create: Create, adapter: TurnAdapter<B, R, E>, { openai, memory, settings, pair }: CallContext): Create {
  return (body, options) => {
    if (!isRecord(body)) return create.call(resource, body, options);
    const request = body as B;
    const userText = settings.record ? safely(() => adapter.userText(request)) : undefined;
    const started = memory
      .contextBlock(pair, settings)
      .then((block) => (block ? adapter.withContext(request, block) : request))
      .then((sent) => ({ call: create.call(resource, sent, options) }));

    return new MemoryCall(started, (reply) => {
      if (body.stream === true && isAsyncIterable(reply)) {
        const reader = adapter.streamReader();
        return tapStream(reply as AsyncIterable<E>, openai, reader, (complete) => {
          if (settings.record) memory.record(pair, userText, complete ? safely(() => reader.text()) : undefined);
        });
      }
      if (settings.record) memory.record(pair, userText, safely(() => adapter.replyText(reply as R)));
      return reply;
    });
  };
}

/**
 * `target` with some properties replaced. Everything else is read from the target itself, with
 * methods bound to it, so classes with private fields (as openai's are) keep working.
 */
function overlay<T extends object>(target: T, overrides: Record<PropertyKey, unknown>): T {
  const bound = new WeakMap<object, unknown>();
  return new Proxy(target, {
    get(object, property) {
      if (Object.prototype.hasOwnProperty.call(overrides, property)) return overrides[property];
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function' || property === 'constructor') return value;
      if (!bound.has(value)) bound.set(value, value.bind(object));
      return bound.get(value);
    },
  });
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`withMemory: '${name}' must be a non-empty string`);
  return value;
}

function safely<V>(read: () => V | undefined): V | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return isRecord(value) && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}
