/** The four memory kinds of the upstream wire contract; anything else is rejected on write. */
export const MEMORY_TYPES = ['episodic', 'session', 'decision', 'entity'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

/**
 * One memory as the stores hold it (one row), with metadata and tags decoded. Empty strings, not
 * nulls, stand for "absent" in the string columns, as in the upstream row layout.
 */
export interface MemoryRecord {
  /** UUIDv7 assigned by the gateway; the identity used to collapse re-delivered rows. */
  id: string;
  /** Receipt time, microseconds since the Unix epoch (UTC). Fits a JS number until year 2255. */
  timeUs: number;
  orgId: string;
  agentId: string;
  sessionId: string;
  memoryType: MemoryType;
  eventType: string;
  content: string;
  metadata: Record<string, unknown> | null;
  tags: string[];
  dedupKey: string;
  importance: number;
  parentId: string;
}

/**
 * A typed memory filter. Every field is already validated (patterns of upstream §5) and time bounds
 * are resolved to absolute microseconds by the caller, so the store and the hot tier evaluate
 * exactly the same predicate. `orgId` is mandatory: no query may span tenants.
 */
export interface MemoryFilter {
  orgId: string;
  ids?: string[];
  agentId?: string;
  /** Any of these agent ids: one agent's aliases (its id and its name), for agent-scoped reads. */
  agentIds?: string[];
  sessionId?: string;
  memoryTypes?: string[];
  eventTypes?: string[];
  /** Whole-tag match, AND across the list. */
  tags?: string[];
  /** Case-sensitive substring of `content`. */
  contentContains?: string;
  /** Inclusive lower bound on importance. */
  minImportance?: number;
  /** Exclusive bounds, µs since epoch: `time > sinceUs`, `time < untilUs`. */
  sinceUs?: number;
  untilUs?: number;
  /** Keyset paging: rows after this one in ascending (time, id) order. */
  after?: MemoryKey;
}

/** A row's place in the store's order. */
export interface MemoryKey {
  timeUs: number;
  id: string;
}

export type SortOrder = 'asc' | 'desc';

export interface MemoryQuery {
  filter: MemoryFilter;
  order: SortOrder;
  limit: number;
  offset?: number;
}
