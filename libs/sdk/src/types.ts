/**
 * Wire types of the Memtrace REST API. Field names are the server's (snake_case) so a response can be
 * logged or forwarded as is; timestamps are RFC 3339 UTC strings.
 */

export type MemoryType = 'episodic' | 'decision' | 'entity' | 'session';
export const MEMORY_TYPES: readonly MemoryType[] = ['episodic', 'decision', 'entity', 'session'];

export type JsonObject = Record<string, unknown>;

export interface Memory {
  /** UUIDv7. Absent only when talking to an upstream server, which has no memory ids. */
  id?: string;
  time: string;
  org_id: string;
  agent_id: string;
  session_id?: string;
  memory_type: MemoryType;
  event_type: string;
  content: string;
  metadata?: JsonObject;
  tags?: string[];
  dedup_key?: string;
  importance?: number;
  parent_id?: string | null;
}

export interface AddMemoryRequest {
  agent_id: string;
  content: string;
  /** Default `episodic`. */
  memory_type?: MemoryType;
  /** Default `general`. */
  event_type?: string;
  session_id?: string;
  metadata?: JsonObject;
  tags?: string[];
  /** Overrides the server's content-derived key: two writes with one key within the window are one memory. */
  dedup_key?: string;
  /** 0–1. */
  importance?: number;
  parent_id?: string;
}

export type Order = 'asc' | 'desc';

export interface ListOptions {
  agent_id?: string;
  session_id?: string;
  memory_type?: MemoryType;
  event_type?: string;
  /** Whole tags, all of which must be present: an array, or upstream's comma-separated string. */
  tags?: string[] | string;
  /** `<n>m`, `<n>h`, `<n>d`, or an ISO timestamp. */
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
  order?: Order;
}

/** Options of the per-agent and per-session memory lists, which fix the agent or session themselves. */
export type ScopedListOptions = Omit<ListOptions, 'agent_id'>;

export interface MemoryList {
  memories: Memory[];
  count: number;
  has_more: boolean;
}

export interface SearchQuery {
  agent_id?: string;
  session_id?: string;
  memory_types?: MemoryType[];
  event_types?: string[];
  tags?: string[];
  /** Literal substring of the content (no wildcards). */
  content_contains?: string;
  since?: string;
  until?: string;
  min_importance?: number;
  limit?: number;
  order?: Order;
}

export interface SearchResult {
  results: Memory[];
  count: number;
  query_time_ms: number;
}

export interface Agent {
  id: string;
  org_id: string;
  name: string;
  description?: string;
  config?: JsonObject;
  created_at: string;
  last_active_at?: string;
}

export interface RegisterAgentRequest {
  name: string;
  description?: string;
  config?: JsonObject;
}

export interface AgentList {
  agents: Agent[];
  count: number;
}

export interface AgentStats {
  agent_id: string;
  memory_count: number;
  memories_24h: number;
  errors_24h: number;
  session_count: number;
  active_sessions: number;
  last_active_at?: string;
  memory_types: Record<string, number>;
}

export type ActivityBucketSize = '1m' | '5m' | '15m' | '1h' | '6h' | '1d';

export interface AgentActivityOptions {
  /** Relative window (`24h`, `7d`, `30m`) or an RFC 3339 timestamp; default `24h`. */
  since?: string;
  /** As `since`; default now. */
  until?: string;
  /** Bucket size, default `1h`; a window may span at most 5,000 buckets. */
  bucket?: ActivityBucketSize;
}

export interface ActivityBucket {
  /** The bucket's start, RFC 3339 UTC (buckets are UTC-aligned; the first and last may be cut by the window). */
  start: string;
  /** Memories per memory type; types without any are absent. */
  counts: Record<string, number>;
  total: number;
  /** Memories with `event_type` `error`. */
  errors: number;
}

export interface AgentActivity {
  agent_id: string;
  /** The window counted: memories with `since < time < until`. */
  since: string;
  until: string;
  bucket: ActivityBucketSize;
  bucket_seconds: number;
  /** Every memory type counted in the window, sorted. */
  memory_types: string[];
  buckets: ActivityBucket[];
  total: number;
  errors: number;
}

export interface Session {
  id: string;
  org_id: string;
  agent_id: string;
  status: string;
  metadata?: JsonObject;
  created_at: string;
  updated_at: string;
  closed_at?: string | null;
}

export interface CreateSessionRequest {
  /** The agent: a registered agent's id or name, or any agent id (`support_agent`); the session keeps it as given and its memories are written under it. */
  agent_id: string;
  metadata?: JsonObject;
}

export interface UpdateSessionRequest {
  /** Any string; `closed` also sets `closed_at`. */
  status?: string;
  /** Merged into the stored metadata. */
  metadata?: JsonObject;
}

export interface SessionList {
  sessions: Session[];
  count: number;
}

export interface ContextOptions {
  /** Relative window, default `24h`. */
  since?: string;
  include_types?: MemoryType[];
  /** Token budget of the rendered text (o200k tokenizer); the text never exceeds it. */
  max_tokens?: number;
}

/** Fields every context response has; the last three are absent on an upstream server. */
interface ContextBlock {
  /** Markdown, ready to paste into a system prompt. */
  context: string;
  memory_count: number;
  token_count?: number;
  truncated?: boolean;
  omitted_count?: number;
}

export interface SessionContext extends ContextBlock {
  session_id: string;
}

export interface AgentContext extends ContextBlock {
  agent_id: string;
}

/**
 * `forget`: which memories to erase; at least one field besides `dry_run`. Filters as in
 * `listMemories` (`agent_id` exact, every tag required, `since`/`until` exclusive), and
 * `memory_type`/`event_type` may be lists.
 */
export interface ForgetRequest {
  agent_id?: string;
  session_id?: string;
  memory_type?: string | string[];
  event_type?: string | string[];
  tags?: string[];
  /** Relative window (`2h`, `7d`) or an RFC 3339 timestamp. */
  since?: string;
  until?: string;
  /** Count what would be erased; erase nothing. */
  dry_run?: boolean;
}

export type ErasureStatus = 'pending' | 'running' | 'done' | 'failed';

/** An erasure's receipt (`forget`, `deleteAgent(id, { eraseMemories: true })`, `getErasure`). */
export interface ErasureReceipt {
  id: string;
  kind: 'forget' | 'agent' | 'retention' | 'org';
  status: ErasureStatus;
  dry_run: boolean;
  /** Matching memories when it started; null until it has. */
  matched: number | null;
  erased: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Why it failed. */
  error?: string;
}

/** `export`: the filters of `listMemories`, without paging. */
export type ExportFilters = Omit<ListOptions, 'limit' | 'offset' | 'order'>;

/** `import`: memories queued for the store, and those skipped because the org had their id already. */
export interface ImportResult {
  imported: number;
  skipped: number;
}
