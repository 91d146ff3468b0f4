import { MemtraceError } from './errors.js';
import { Transport, TransportOptions } from './transport.js';
import type {
  AddMemoryRequest,
  Agent,
  AgentContext,
  AgentActivity,
  AgentActivityOptions,
  AgentList,
  AgentStats,
  ContextOptions,
  CreateSessionRequest,
  ErasureReceipt,
  ExportFilters,
  ForgetRequest,
  ImportResult,
  ListOptions,
  Memory,
  MemoryList,
  RegisterAgentRequest,
  ScopedListOptions,
  SearchQuery,
  SearchResult,
  Session,
  SessionContext,
  SessionList,
  UpdateSessionRequest,
} from './types.js';
import { MEMORY_TYPES } from './types.js';

export type MemtraceOptions = TransportOptions;

/** Query parameters in the upstream SDKs' order, so URLs match theirs byte for byte. */
const LIST_PARAMS = ['agent_id', 'session_id', 'memory_type', 'event_type', 'tags', 'since', 'until', 'limit', 'offset', 'order'] as const;

/**
 * A Memtrace client bound to one API key (and so to one organisation).
 *
 * Reads and session updates are retried on network errors, 429 and 503; writes and deletes are not,
 * because a repeat after a lost response would answer 409 or 404 for a call that had succeeded.
 */
export class Memtrace {
  private readonly http: Transport;

  constructor(baseUrl: string, apiKey: string, options: MemtraceOptions = {}) {
    this.http = new Transport(baseUrl, apiKey, options);
  }

  // ── Memories ──────────────────────────────────────────────────────────────

  /** Stores an episodic memory of what the agent did or saw. */
  async remember(agentId: string, content: string, extra: Omit<AddMemoryRequest, 'agent_id' | 'content'> = {}): Promise<Memory> {
    return this.addMemory({ agent_id: agentId, memory_type: 'episodic', event_type: 'general', content, ...extra });
  }

  /** The agent's memories of the last `since` (default 24h), newest first, at most `limit` (default 100). */
  async recall(agentId: string, since = '24h', options: Omit<ScopedListOptions, 'since'> = {}): Promise<MemoryList> {
    return this.listMemories({ agent_id: agentId, since, limit: 100, order: 'desc', ...options });
  }

  /** Records a decision with its reasoning (upstream's shape: memory and event type `decision`). */
  async decide(agentId: string, decision: string, reasoning: string, extra: Pick<AddMemoryRequest, 'session_id' | 'tags' | 'importance'> = {}): Promise<Memory> {
    return this.addMemory({
      agent_id: agentId,
      memory_type: 'decision',
      event_type: 'decision',
      content: decision,
      metadata: { reasoning },
      ...extra,
    });
  }

  /**
   * Stores one memory; a duplicate within the dedup window throws `ConflictError`. Every call sends
   * a fresh `Idempotency-Key`, so a retry after a timeout or a 503 cannot store it twice.
   */
  async addMemory(request: AddMemoryRequest): Promise<Memory> {
    checkRequest(request);
    return this.http.request({ method: 'POST', path: '/api/v1/memories', body: request, ...idempotentWrite() });
  }

  /** Stores a batch atomically (all or nothing on invalid input); duplicates are skipped, not errors. */
  async addMemories(requests: AddMemoryRequest[]): Promise<Memory[]> {
    requests.forEach(checkRequest);
    const reply = await this.http.request<{ memories: Memory[] }>({
      method: 'POST',
      path: '/api/v1/memories',
      body: { memories: requests },
      ...idempotentWrite(),
    });
    return reply.memories;
  }

  async listMemories(options: ListOptions = {}): Promise<MemoryList> {
    return this.http.request({ method: 'GET', path: '/api/v1/memories', query: listQuery(options), idempotent: true });
  }

  async searchMemories(query: SearchQuery = {}): Promise<SearchResult> {
    return this.http.request({ method: 'POST', path: '/api/v1/search', body: query, idempotent: true });
  }

  async getMemory(id: string): Promise<Memory> {
    return this.http.request({ method: 'GET', path: `/api/v1/memories/${segment(id)}`, idempotent: true });
  }

  /**
   * Deletes a memory for good (Memtrace addition; upstream servers answer 404): gone from every read
   * at once, and never written later if it was still queued. Throws NotFoundError for an unknown id.
   */
  async deleteMemory(id: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/api/v1/memories/${segment(id)}`, idempotent: false });
  }

  /**
   * Erases every memory matching the filters, queued ones included; resolves with the receipt at
   * once (`status: 'pending'`, or `'done'` for a dry run). Follow it with `getErasure` or `waitForErasure`.
   */
  async forget(request: ForgetRequest): Promise<ErasureReceipt> {
    return this.http.request({ method: 'POST', path: '/api/v1/memories/forget', body: request, idempotent: false });
  }

  async getErasure(id: string): Promise<ErasureReceipt> {
    return this.http.request({ method: 'GET', path: `/api/v1/erasures/${segment(id)}`, idempotent: true });
  }

  /**
   * Every memory matching the filters (as `listMemories`, without paging), oldest first, read from
   * the server's NDJSON stream as you iterate: memory stays flat for any number of rows.
   */
  async *export(filters: ExportFilters = {}): AsyncGenerator<Memory> {
    const query = new URLSearchParams();
    for (const name of LIST_PARAMS) {
      const value = (filters as Record<string, unknown>)[name];
      if (value === undefined || value === '') continue;
      query.append(name, Array.isArray(value) ? value.join(',') : String(value));
    }
    for await (const line of this.http.lines({ method: 'GET', path: '/api/v1/export', query, idempotent: true })) yield JSON.parse(line) as Memory;
  }

  /**
   * Imports memories as `export` yields them (ids and times kept; ids the org already has are
   * skipped), `chunkSize` per request (at most 5,000). Each request lands whole or not at all, and
   * running an import again after a failure is safe: what landed is skipped.
   */
  async import(memories: Iterable<Memory> | AsyncIterable<Memory>, options: { chunkSize?: number } = {}): Promise<ImportResult> {
    const chunkSize = Math.min(Math.max(1, options.chunkSize ?? 1_000), 5_000);
    const total: ImportResult = { imported: 0, skipped: 0 };
    let chunk: string[] = [];
    const send = async () => {
      if (chunk.length === 0) return;
      const ndjson = chunk.join('\n');
      chunk = [];
      const result = await this.http.request<ImportResult>({ method: 'POST', path: '/api/v1/import', ndjson, idempotent: true });
      total.imported += result.imported;
      total.skipped += result.skipped;
    };
    for await (const memory of memories) {
      chunk.push(JSON.stringify(memory));
      if (chunk.length >= chunkSize) await send();
    }
    await send();
    return total;
  }

  /** Polls the receipt until the erasure is `done` or `failed` (`timeoutMs`, default 60 s). */
  async waitForErasure(id: string, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<ErasureReceipt> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const receipt = await this.getErasure(id);
      if (receipt.status === 'done' || receipt.status === 'failed') return receipt;
      if (Date.now() > deadline) throw new MemtraceError(`erasure ${id} still ${receipt.status} after ${options.timeoutMs ?? 60_000} ms`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
    }
  }

  // ── Agents ────────────────────────────────────────────────────────────────

  /** Registers an agent; a name already taken in the organisation throws `ConflictError`. */
  async registerAgent(request: RegisterAgentRequest): Promise<Agent> {
    return this.http.request({ method: 'POST', path: '/api/v1/agents', body: request, idempotent: false });
  }

  async listAgents(): Promise<AgentList> {
    return this.http.request({ method: 'GET', path: '/api/v1/agents', idempotent: true });
  }

  /** By id or by name. */
  async getAgent(idOrName: string): Promise<Agent> {
    return this.http.request({ method: 'GET', path: `/api/v1/agents/${segment(idOrName)}`, idempotent: true });
  }

  async getAgentStats(agentId: string): Promise<AgentStats> {
    return this.http.request({ method: 'GET', path: `/api/v1/agents/${segment(agentId)}/stats`, idempotent: true });
  }

  /**
   * Memories per time bucket and type, with the errors among them (`GET /api/v1/agents/:id/activity`):
   * every bucket of the window, oldest first. Defaults: the last 24h in 1h buckets.
   */
  async getAgentActivity(agentId: string, options: AgentActivityOptions = {}): Promise<AgentActivity> {
    const query = new URLSearchParams();
    for (const name of ['since', 'until', 'bucket'] as const) if (options[name]) query.append(name, options[name]);
    return this.http.request({ method: 'GET', path: `/api/v1/agents/${segment(agentId)}/activity`, query, idempotent: true });
  }

  /** Memories whose `agent_id` is `agentId`; the server defaults `since` to 24h here. */
  async getAgentMemories(agentId: string, options: ScopedListOptions = {}): Promise<MemoryList> {
    const { agent_id: _ignored, ...rest } = options as ListOptions;
    return this.http.request({
      method: 'GET',
      path: `/api/v1/agents/${segment(agentId)}/memories`,
      query: listQuery(rest),
      idempotent: true,
    });
  }

  /** The agent's recent memories across all its sessions, rendered for a system prompt. */
  async getAgentContext(agentId: string, options?: ContextOptions): Promise<AgentContext> {
    return this.http.request({ method: 'POST', path: `/api/v1/agents/${segment(agentId)}/context`, body: options ?? {}, idempotent: true });
  }

  /**
   * Deletes the agent and its sessions (its memories stay). Not retried: a retry after a lost 204
   * would answer 404 for a delete that had succeeded.
   */
  /** Deletes the agent and its sessions; with `eraseMemories`, its memories too (resolves with the erasure's receipt). */
  async deleteAgent(agentId: string): Promise<void>;
  async deleteAgent(agentId: string, options: { eraseMemories: true }): Promise<ErasureReceipt>;
  async deleteAgent(agentId: string, options: { eraseMemories?: boolean } = {}): Promise<ErasureReceipt | void> {
    const path = `/api/v1/agents/${segment(agentId)}`;
    if (!options.eraseMemories) {
      await this.http.request({ method: 'DELETE', path, idempotent: false });
      return;
    }
    return this.http.request({ method: 'DELETE', path, query: new URLSearchParams({ erase_memories: 'true' }), idempotent: false });
  }

  // ── Sessions ──────────────────────────────────────────────────────────────

  async createSession(request: CreateSessionRequest): Promise<Session> {
    return this.http.request({ method: 'POST', path: '/api/v1/sessions', body: request, idempotent: false });
  }

  async getSession(sessionId: string): Promise<Session> {
    return this.http.request({ method: 'GET', path: `/api/v1/sessions/${segment(sessionId)}`, idempotent: true });
  }

  async listSessions(agentId?: string): Promise<SessionList> {
    const query = agentId ? new URLSearchParams({ agent_id: agentId }) : undefined;
    return this.http.request({ method: 'GET', path: '/api/v1/sessions', query, idempotent: true });
  }

  async getSessionMemories(sessionId: string, options: ScopedListOptions = {}): Promise<MemoryList> {
    return this.http.request({
      method: 'GET',
      path: `/api/v1/sessions/${segment(sessionId)}/memories`,
      query: listQuery(options),
      idempotent: true,
    });
  }

  /** Sets `status` and merges `metadata`. */
  async updateSession(sessionId: string, update: UpdateSessionRequest): Promise<Session> {
    return this.http.request({ method: 'PUT', path: `/api/v1/sessions/${segment(sessionId)}`, body: update, idempotent: true });
  }

  async closeSession(sessionId: string): Promise<Session> {
    return this.updateSession(sessionId, { status: 'closed' });
  }

  /** The session's memories rendered as markdown for a system prompt, within `max_tokens` if given. */
  async getSessionContext(sessionId: string, options?: ContextOptions): Promise<SessionContext> {
    return this.http.request({ method: 'POST', path: `/api/v1/sessions/${segment(sessionId)}/context`, body: options ?? {}, idempotent: true });
  }
}

/** A path segment: ids are percent-encoded so `a/b` or `../admin` can never change the route. */
function segment(id: string): string {
  if (typeof id !== 'string' || id === '') throw new MemtraceError('an id is required');
  return encodeURIComponent(id);
}

function listQuery(options: ListOptions): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of LIST_PARAMS) {
    const value = name === 'tags' && Array.isArray(options.tags) ? options.tags.join(',') : options[name];
    if (value === undefined || value === null || value === '') continue;
    if ((name === 'limit' || name === 'offset') && !((value as number) > 0)) continue;
    query.append(name, String(value));
  }
  return query;
}

/** Caught here, as the upstream Python SDK does, so a bad value never becomes a stored memory. */
function checkRequest(request: AddMemoryRequest, index?: number): void {
  const where = index === undefined ? 'memory' : `memories[${index}]`;
  const { importance, memory_type: type } = request;
  if (importance !== undefined && !(importance >= 0 && importance <= 1)) {
    throw new MemtraceError(`${where}: importance must be between 0 and 1, got ${importance}`);
  }
  if (type !== undefined && !MEMORY_TYPES.includes(type)) {
    throw new MemtraceError(`${where}: memory_type must be one of ${MEMORY_TYPES.join(', ')}, got ${String(type)}`);
  }
}

/** A memory write that may be retried: one key for all its attempts. */
function idempotentWrite(): { idempotent: true; idempotencyKey: string } {
  return { idempotent: true, idempotencyKey: globalThis.crypto.randomUUID() };
}
