import type { AgentInputItem, Session as AgentsSession } from '@openai/agents';
import type { Memtrace } from '../client.js';
import type { JsonObject, Session } from '../types.js';
import { contextItem, messageItem, storableMessage, type StorableMessage } from './session-items.js';

/** Where persistence failures are reported; `console` by default. */
export interface MemtraceSessionLogger {
  warn(message: string): void;
}

export interface MemtraceSessionOptions {
  /** Store each user message with string content (type `session`, event `user_message`). Default true. */
  persistUserMessages?: boolean;
  /**
   * Store each assistant message's text (event `assistant_message`). Default false, as upstream;
   * turn it on for `resume()` to bring back both sides of the conversation.
   */
  persistAssistantMessages?: boolean;
  logger?: MemtraceSessionLogger;
}

export interface CreateMemtraceSessionOptions extends MemtraceSessionOptions {
  /** The agent the session belongs to: a registered agent's id or name, or any agent id (`support_agent`); the session keeps it as given and its memories are written under it. */
  agentId: string;
  metadata?: JsonObject;
  /** Start the history with what the agent remembers from its earlier sessions. Default true. */
  injectContext?: boolean;
  /** How far back the injected context reaches, e.g. `7d` or an RFC 3339 time. Server default: 24h. */
  contextSince?: string;
  /** Token budget of the injected context (the server keeps the text within it). */
  contextMaxTokens?: number;
  /**
   * The role of the injected context item. Default `user`, as upstream: the context quotes stored
   * memories, including users' own earlier messages, and those must not gain the authority of a
   * system message (a user who once typed "ignore your instructions" would be obeyed next session).
   * `system` is accepted by the Agents SDK in session history and sent as a system message; use it
   * when every writer of the agent's memories is trusted.
   */
  contextRole?: 'user' | 'system';
}

/** What happened to the messages this session tried to store. */
export interface MemtraceSessionStats {
  persisted: number;
  /** Writes that failed (logged, not thrown): the conversation went on without them. */
  failed: number;
  lastError?: Error;
}

/** The session metadata field `clearSession()` sets: `resume()` restores only later messages. */
export const HISTORY_SINCE_METADATA_KEY = 'agents_history_since';
/** The most memories one read returns (the server's cap); `resume()` restores the newest this many. */
const RESUME_LIMIT = 1000;

/**
 * A conversation history for the OpenAI Agents SDK (`run(agent, input, { session })`) backed by a
 * Memtrace session: messages are stored as memories as the run adds them, so the agent remembers
 * them in later sessions, and `resume()` brings a conversation back after a restart.
 *
 * ```ts
 * const session = await MemtraceSession.create(memtrace, { agentId: agent.id, persistAssistantMessages: true });
 * const tools = createMemtraceTools(memtrace, { agentId: agent.id, sessionId: session.sessionId });
 * const result = await run(new Agent({ name: 'Support', tools }), 'Hello again', { session });
 * await session.close();
 * ```
 *
 * Compared with upstream's Python `MemtraceSession`:
 * - the injected context is the agent's memories across its earlier sessions (upstream asked for
 *   the new session's own context, which is always empty, so nothing was ever injected);
 * - the history is reloaded from Memtrace by `resume()` (upstream kept it in memory only);
 * - each stored message has its own `dedup_key`, so a user saying "yes" twice is stored twice
 *   (upstream's content-derived key turned the second into a 409, then swallowed it);
 * - a failed write is logged and counted in `stats` rather than silently swallowed, and still
 *   never breaks the run.
 *
 * `popItem()` and `clearSession()` change the history the model sees. Memtrace memories are an
 * append-only record, so stored messages stay; `clearSession()` records where the history now
 * starts so that `resume()` does not bring them back, but `popItem()` does not.
 */
export class MemtraceSession implements AgentsSession {
  readonly sessionId: string;
  readonly agentId: string;
  private items: AgentInputItem[];
  private readonly persistUser: boolean;
  private readonly persistAssistant: boolean;
  private readonly logger: MemtraceSessionLogger;
  private readonly counts: MemtraceSessionStats = { persisted: 0, failed: 0 };
  /** Writes run one after another, in the order the items were added. */
  private writes: Promise<void> = Promise.resolve();
  /** Server time of the newest stored message: the boundary `clearSession()` records. */
  private lastStoredTime?: string;
  private readonly dedupPrefix: string;
  private dedupSeq = 0;

  private constructor(
    private readonly client: Memtrace,
    session: Pick<Session, 'id' | 'agent_id'>,
    items: AgentInputItem[],
    options: MemtraceSessionOptions,
  ) {
    this.sessionId = session.id;
    this.agentId = session.agent_id;
    this.items = items;
    this.persistUser = options.persistUserMessages ?? true;
    this.persistAssistant = options.persistAssistantMessages ?? false;
    this.logger = options.logger ?? console;
    // Unique per session object, so keys never collide with an earlier run's, even after resume().
    this.dedupPrefix = `agents:${session.id}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  }

  /**
   * Creates a Memtrace session for the agent and, unless `injectContext` is false, fetches what the
   * agent remembers from its earlier sessions (`getAgentContext`): when there is anything, the
   * history starts with one item, `"[System: Prior memory context for this agent]\n\n" + markdown`.
   * Errors here are thrown (the session is closed again if the context cannot be read).
   */
  static async create(client: Memtrace, options: CreateMemtraceSessionOptions): Promise<MemtraceSession> {
    const session = await client.createSession({ agent_id: options.agentId, metadata: options.metadata });
    const items: AgentInputItem[] = [];
    if (options.injectContext ?? true) {
      try {
        const prior = await client.getAgentContext(session.agent_id, { since: options.contextSince, max_tokens: options.contextMaxTokens });
        if (prior.memory_count > 0 && prior.context) items.push(contextItem(prior.context, options.contextRole ?? 'user'));
      } catch (error) {
        await client.closeSession(session.id).catch(() => undefined);
        throw error;
      }
    }
    return new MemtraceSession(client, session, items, options);
  }

  /**
   * Reopens a stored conversation, e.g. after a restart: the history is the session's stored user
   * and assistant messages (the newest 1000), oldest first, after the last `clearSession()`. Only
   * what was stored comes back: assistant messages only if `persistAssistantMessages` was on, and
   * no tool calls. Throws `NotFoundError` for an unknown session.
   */
  static async resume(client: Memtrace, sessionId: string, options: MemtraceSessionOptions = {}): Promise<MemtraceSession> {
    const session = await client.getSession(sessionId);
    const since = session.metadata?.[HISTORY_SINCE_METADATA_KEY];
    // Newest first and reversed: the server caps a read at 1000 and has no offset here, and the
    // latest part of a conversation is the part worth restoring.
    const stored = await client.getSessionMemories(session.id, {
      memory_type: 'session',
      order: 'desc',
      limit: RESUME_LIMIT,
      since: typeof since === 'string' ? since : undefined,
    });
    const memories = stored.memories.slice().reverse();
    const resumed = new MemtraceSession(client, session, memories.flatMap((memory) => messageItem(memory) ?? []), options);
    resumed.lastStoredTime = memories.at(-1)?.time;
    if (stored.has_more) resumed.logger.warn(`memtrace: session ${session.id} has more than ${RESUME_LIMIT} stored messages; resumed with the newest ${RESUME_LIMIT}`);
    return resumed;
  }

  /** Counts of stored and failed message writes so far. */
  get stats(): MemtraceSessionStats {
    return { ...this.counts };
  }

  async getSessionId(): Promise<string> {
    return this.sessionId;
  }

  /** The last `limit` items (all when omitted), oldest first. */
  async getItems(limit?: number): Promise<AgentInputItem[]> {
    if (limit !== undefined && limit <= 0) return [];
    const items = limit === undefined ? this.items : this.items.slice(-limit);
    return items.map((item) => structuredClone(item));
  }

  /**
   * Appends the items, then stores their messages (see the options), one at a time and in order. A
   * failed write is logged and counted in `stats`; it never throws, so the run is not broken by an
   * unreachable or failing Memtrace.
   */
  async addItems(items: AgentInputItem[]): Promise<void> {
    if (items.length === 0) return;
    this.items.push(...items.map((item) => structuredClone(item)));
    const messages = items.flatMap((item) => storableMessage(item) ?? []).filter((message) => this.shouldStore(message));
    if (messages.length > 0) await this.enqueue(() => this.store(messages));
  }

  /** Removes the newest item from the history (the stored message, if any, stays in Memtrace). */
  async popItem(): Promise<AgentInputItem | undefined> {
    return this.items.pop();
  }

  /**
   * Empties the history. Stored memories stay (the agent still remembers them in later sessions),
   * but the session records where its history now starts, so `resume()` does not restore them.
   * A failure to record that is logged and counted, like a failed message write.
   */
  async clearSession(): Promise<void> {
    this.items = [];
    await this.enqueue(async () => {
      if (this.lastStoredTime === undefined) return;
      await this.client
        .updateSession(this.sessionId, { metadata: { [HISTORY_SINCE_METADATA_KEY]: this.lastStoredTime } })
        .catch((error: unknown) => this.failed('record where the cleared history ends', error));
    });
  }

  /** Waits for pending writes, then marks the Memtrace session closed. */
  async close(): Promise<Session> {
    await this.writes;
    return this.client.closeSession(this.sessionId);
  }

  private shouldStore(message: StorableMessage): boolean {
    return message.event === 'user_message' ? this.persistUser : this.persistAssistant;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.writes = this.writes.then(work);
    return this.writes;
  }

  private async store(messages: StorableMessage[]): Promise<void> {
    for (const message of messages) {
      try {
        const memory = await this.client.addMemory({
          agent_id: this.agentId,
          session_id: this.sessionId,
          memory_type: 'session',
          event_type: message.event,
          content: message.text,
          dedup_key: `${this.dedupPrefix}:${++this.dedupSeq}`,
        });
        this.counts.persisted++;
        this.lastStoredTime = memory.time;
      } catch (error) {
        this.failed(`store a ${message.event.replace('_', ' ')}`, error);
      }
    }
  }

  private failed(what: string, error: unknown): void {
    this.counts.failed++;
    this.counts.lastError = error instanceof Error ? error : new Error(String(error));
    try {
      this.logger.warn(
        `memtrace: could not ${what} in session ${this.sessionId}: ${this.counts.lastError.message}` +
          ` (the conversation goes on; ${this.counts.failed} failed so far)`,
      );
    } catch {
      // A logger that throws must not stop the session's later writes.
    }
  }
}
