/**
 * The Memtrace side of `withMemory`: which session holds a (persona, user) pair's memories, the
 * context rendered from it, and recording exchanges into it in the background. Shared by a wrapped
 * client and every client derived from it with `forUser` / `forAgent`.
 */
import type { Memtrace } from '../client.js';
import { ConflictError } from '../errors.js';
import type { AddMemoryRequest, Session } from '../types.js';

/** Where `withMemory` reports what went wrong in the background. Messages carry no secrets. */
export interface MemoryLogger {
  warn(message: string, error?: unknown): void;
}

/** Counts since the wrapped client was created, shared with the clients derived from it. */
export interface MemoryStats {
  /** Memories written (a user message or an assistant reply each). */
  recorded: number;
  /** Memories that could not be written. */
  failed: number;
  /** Completions sent without context because it could not be fetched. */
  contextFailures: number;
}

/** A persona and the user a conversation is about. */
export interface MemoryPair {
  agent: string;
  user: string;
}

/** Where a pair's memories live in Memtrace. */
export interface MemoryScope extends MemoryPair {
  agentId: string;
  sessionId: string;
}

export interface ContextSettings {
  since: string;
  maxTokens: number;
  /** How long a completion may wait for its context before going out without it. */
  timeoutMs: number;
}

/** Session metadata naming the user a `withMemory` session belongs to. */
export const USER_METADATA_KEY = 'memtrace_user';

const CONTEXT_HEADING = 'What you remember from earlier conversations with this user (from Memtrace, newest first):';

export class ConversationMemory {
  readonly stats: MemoryStats = { recorded: 0, failed: 0, contextFailures: 0 };
  private readonly agents = new Map<string, Promise<string>>();
  private readonly sessions = new Map<string, Promise<string>>();
  private readonly pending = new Set<Promise<void>>();
  /** The last write of each pair, which the pair's next write waits for. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly memtrace: Memtrace,
    private readonly logger: MemoryLogger,
  ) {}

  /** Registers the persona on first use and finds or creates the pair's session; cached in-process. */
  async scope(pair: MemoryPair): Promise<MemoryScope> {
    const agentId = await this.agentId(pair.agent);
    const sessionId = await cached(this.sessions, `${agentId}\u0000${pair.user}`, () => this.findOrCreateSession(agentId, pair.user));
    return { ...pair, agentId, sessionId };
  }

  /**
   * The block to add to the instructions, or undefined when the pair has no memories yet or the
   * context could not be fetched (counted and logged: the completion goes ahead without it).
   */
  async contextBlock(pair: MemoryPair, settings: ContextSettings): Promise<string | undefined> {
    try {
      return await withinTime(this.fetchContext(pair, settings), settings.timeoutMs);
    } catch (error) {
      this.stats.contextFailures += 1;
      this.warn(`memtrace: no memory context for agent '${pair.agent}' and user '${pair.user}' (${describe(error)}); sending the request without it`, error);
      return undefined;
    }
  }

  private async fetchContext(pair: MemoryPair, settings: ContextSettings): Promise<string | undefined> {
    const { sessionId } = await this.scope(pair);
    const context = await this.memtrace.getSessionContext(sessionId, { since: settings.since, max_tokens: settings.maxTokens });
    return context.memory_count > 0 && context.context.trim() ? `${CONTEXT_HEADING}\n\n${context.context}` : undefined;
  }

  /**
   * Stores the exchange in the background; `flush()` waits for it. Never throws. A pair's writes
   * go one after another, so its memories are timestamped in conversation order (in a tool loop
   * the user's message is recorded on the first call and the reply on the last).
   */
  record(pair: MemoryPair, userText: string | undefined, replyText: string | undefined): void {
    const messages = [
      ...(userText === undefined ? [] : [{ role: 'user', text: userText }]),
      ...(replyText === undefined ? [] : [{ role: 'assistant', text: replyText }]),
    ];
    if (messages.length === 0) return;
    const key = `${pair.agent}\u0000${pair.user}`;
    const work: Promise<void> = (this.queues.get(key) ?? Promise.resolve()).then(() => this.write(pair, messages));
    this.queues.set(key, work);
    this.pending.add(work);
    void work.finally(() => {
      this.pending.delete(work);
      if (this.queues.get(key) === work) this.queues.delete(key);
    });
  }

  /** Resolves when every recording started so far (and any started meanwhile) has finished. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async write(pair: MemoryPair, messages: Array<{ role: string; text: string }>): Promise<void> {
    try {
      const { agentId, sessionId } = await this.scope(pair);
      const memories: AddMemoryRequest[] = messages.map(({ role, text }) => ({
        agent_id: agentId,
        session_id: sessionId,
        memory_type: 'episodic',
        event_type: `${role}_message`,
        content: text,
        metadata: { [USER_METADATA_KEY]: pair.user, role },
        tags: [userTag(pair.user)],
        // Unique per message: the content-derived default would drop a user saying "yes" twice.
        dedup_key: `memtrace-openai:${uniqueId()}`,
      }));
      // One atomic batch: the exchange is stored whole or not at all.
      const stored = await this.memtrace.addMemories(memories);
      this.stats.recorded += stored.length;
    } catch (error) {
      this.stats.failed += messages.length;
      this.warn(`memtrace: could not record ${messages.length} message(s) for agent '${pair.agent}' and user '${pair.user}' (${describe(error)})`, error);
    }
  }

  /** A logger that throws must not turn a background failure into a failed completion. */
  private warn(message: string, error: unknown): void {
    try {
      this.logger.warn(message, error);
    } catch {
      // Nothing left to report it to.
    }
  }

  private agentId(name: string): Promise<string> {
    return cached(this.agents, name, async () => {
      try {
        return (await this.memtrace.registerAgent({ name, description: 'persona of @memtrace/sdk/openai withMemory' })).id;
      } catch (error) {
        // Registered before (by this process or another): fetch it by name, as upstream's examples do.
        if (error instanceof ConflictError) return (await this.memtrace.getAgent(name)).id;
        throw error;
      }
    });
  }

  private async findOrCreateSession(agentId: string, user: string): Promise<string> {
    const { sessions } = await this.memtrace.listSessions(agentId);
    const existing = oldest(sessions.filter((session) => session.status === 'active' && session.metadata?.[USER_METADATA_KEY] === user));
    if (existing) return existing.id;
    return (await this.memtrace.createSession({ agent_id: agentId, metadata: { [USER_METADATA_KEY]: user } })).id;
  }
}

/**
 * The tag on every recorded message, `user.<user>`: Memtrace tags allow only letters, digits, `_`,
 * `-` and `.` (up to 64), so other characters become `_`. The exact user is in the metadata.
 */
export function userTag(user: string): string {
  return `user.${user.replace(/[^a-zA-Z0-9_.-]/g, '_')}`.slice(0, 64);
}

/**
 * The oldest of several matches: if two processes raced to create a pair's session, all of them
 * settle on the same one from then on.
 */
function oldest(sessions: Session[]): Session | undefined {
  return [...sessions].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id.localeCompare(b.id))[0];
}

/**
 * The work's result, or a rejection once `ms` have passed: a slow or unreachable Memtrace must not
 * hold the completion back. The work itself runs on (a lookup it started is still cached).
 */
function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined); // a failure after the deadline is nobody's to handle
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** One lookup in flight per key; a failure is forgotten, so the next call tries again. */
function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    cache.set(key, value);
    value.catch(() => {
      if (cache.get(key) === value) cache.delete(key);
    });
  }
  return value;
}

let counter = 0;

function uniqueId(): string {
  const random = globalThis.crypto?.randomUUID?.();
  return random ?? `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    return typeof status === 'number' && status > 0 ? `${status} ${error.message}` : error.message;
  }
  return String(error);
}
