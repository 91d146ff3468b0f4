import { z } from 'zod';
import type { ErasureReceipt } from '../erasure/erasure.contract';
import type { MemoryWire } from '../memory/memory.wire';
import { traceContextSchema } from '../trace-context';

/**
 * RPC contracts between the gateway and the query service (design §6). Patterns are versioned
 * strings: within a version only optional fields may be added; anything else is a new pattern
 * served next to the old one, so gateways and query processes can be deployed in any order.
 * The org always comes from the caller's API key, never from the request.
 */
export const QUERY_PATTERNS = {
  listMemories: 'query.list-memories.v1',
  getMemory: 'query.get-memory.v1',
  deleteMemory: 'query.delete-memory.v1',
  forget: 'query.forget.v1',
  eraseAgentMemories: 'query.erase-agent-memories.v1',
  getErasure: 'query.get-erasure.v1',
  exportPage: 'query.export-page.v1',
  existingIds: 'query.existing-ids.v1',
  searchMemories: 'query.search-memories.v1',
  agentMemories: 'query.agent-memories.v1',
  sessionMemories: 'query.session-memories.v1',
  agentStats: 'query.agent-stats.v1',
  agentActivity: 'query.agent-activity.v1',
  renderContext: 'query.render-context.v1',
} as const;

export type QueryPattern = (typeof QUERY_PATTERNS)[keyof typeof QUERY_PATTERNS];

const orgId = z.string().min(1);
/** The gateway's trace context (absent when tracing is off): the query service's span continues it. */
const trace = traceContextSchema;
/** The raw query string as Fastify parsed it: values are strings, or arrays when repeated. */
const queryParams = z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({});
/** A route's query string as the gateway received it (Fastify's parse). */
export type RawQueryParams = Record<string, string | string[]>;

export const listMemoriesRequestSchema = z.object({ orgId, trace, params: queryParams });
export const getMemoryRequestSchema = z.object({ orgId, trace, id: z.string() });
/** `actor`: who deletes (`key:<id>`), for the audit trail. */
export const deleteMemoryRequestSchema = z.object({ orgId, trace, id: z.string(), actor: z.string().min(1) });
/** `POST /api/v1/memories/forget`: the body as sent; the query service validates it. */
export const forgetRequestSchema = z.object({ orgId, trace, body: z.unknown(), actor: z.string().min(1) });
/** `DELETE /api/v1/agents/:id?erase_memories=true`: the agent's memories, under its id and its name. */
export const eraseAgentMemoriesRequestSchema = z.object({ orgId, trace, agentId: z.string(), actor: z.string().min(1) });
export const getErasureRequestSchema = z.object({ orgId, trace, id: z.string() });
const memoryKey = z.object({ timeUs: z.number().int(), id: z.string() });
/**
 * One page of `GET /api/v1/export`: the list filters in `params`, read after `after` in ascending
 * (time, id) order; the reply's `next` is the next page's `after` (null: the export is complete).
 * `nowUs` pins relative windows (`since=2h`) to the export's start for every page.
 */
export const exportPageRequestSchema = z.object({ orgId, trace, params: queryParams, nowUs: z.number().int(), after: memoryKey.optional() });
/** Which of `ids` (times within [minUs, maxUs]) the org has, stored or on their way: import's dedup by id. */
export const existingIdsRequestSchema = z.object({ orgId, trace, ids: z.array(z.string()).max(10_000), minUs: z.number().int(), maxUs: z.number().int() });
/** The body is passed through as JSON: the query service owns its validation and messages. */
export const searchMemoriesRequestSchema = z.object({ orgId, trace, body: z.unknown() });
export const agentMemoriesRequestSchema = z.object({ orgId, trace, agentId: z.string(), params: queryParams });
export const sessionMemoriesRequestSchema = z.object({ orgId, trace, sessionId: z.string(), params: queryParams });
export const agentStatsRequestSchema = z.object({ orgId, trace, agentId: z.string() });
/** `params`: `since`, `until`, `bucket` as the client sent them; the query service validates them. */
export const agentActivityRequestSchema = z.object({ orgId, trace, agentId: z.string(), params: queryParams });
export const renderContextRequestSchema = z.object({ orgId, trace, subject: z.enum(['session', 'agent']), id: z.string(), body: z.unknown() });

export type ListMemoriesRequest = z.input<typeof listMemoriesRequestSchema>;
export type GetMemoryRequest = z.input<typeof getMemoryRequestSchema>;
export type DeleteMemoryRequest = z.input<typeof deleteMemoryRequestSchema>;
export type ForgetRequest = z.input<typeof forgetRequestSchema>;
export type EraseAgentMemoriesRequest = z.input<typeof eraseAgentMemoriesRequestSchema>;
export type GetErasureRequest = z.input<typeof getErasureRequestSchema>;
export type ExportPageRequest = z.input<typeof exportPageRequestSchema>;
export type ExistingIdsRequest = z.input<typeof existingIdsRequestSchema>;
export type SearchMemoriesRequest = z.input<typeof searchMemoriesRequestSchema>;
export type AgentMemoriesRequest = z.input<typeof agentMemoriesRequestSchema>;
export type SessionMemoriesRequest = z.input<typeof sessionMemoriesRequestSchema>;
export type AgentStatsRequest = z.input<typeof agentStatsRequestSchema>;
export type AgentActivityRequest = z.input<typeof agentActivityRequestSchema>;
export type RenderContextRequest = z.input<typeof renderContextRequestSchema>;

/** A memory on the wire (`toMemoryWire`); extra fields of later versions pass through. */
const memoryWire = z.looseObject({
  id: z.string(),
  time: z.string(),
  org_id: z.string(),
  agent_id: z.string(),
  memory_type: z.string(),
  event_type: z.string(),
  content: z.string(),
});

export const memoryListResponseSchema = z.object({ memories: z.array(memoryWire), count: z.number().int(), has_more: z.boolean() });
export const memoryResponseSchema = memoryWire;
export const searchResponseSchema = z.object({ results: z.array(memoryWire), count: z.number().int(), query_time_ms: z.number().int() });
export const agentStatsResponseSchema = z.object({
  agent_id: z.string(),
  memory_count: z.number().int(),
  memories_24h: z.number().int(),
  errors_24h: z.number().int(),
  session_count: z.number().int(),
  active_sessions: z.number().int(),
  last_active_at: z.string().optional(),
  memory_types: z.record(z.string(), z.number().int()),
});
/** `GET /api/v1/agents/:id/activity`: every bucket of the window, oldest first, empty ones included. */
export const agentActivityResponseSchema = z.object({
  agent_id: z.string(),
  /** The window actually counted, RFC 3339 UTC: memories with `since < time < until`. */
  since: z.string(),
  until: z.string(),
  bucket: z.string(),
  bucket_seconds: z.number().int(),
  /** Every memory type with a count in the window, sorted. */
  memory_types: z.array(z.string()),
  buckets: z.array(
    z.object({
      /** The bucket's start (UTC-aligned); the first and last bucket may be cut by the window. */
      start: z.string(),
      counts: z.record(z.string(), z.number().int()),
      total: z.number().int(),
      /** Memories with `event_type = 'error'` in the bucket. */
      errors: z.number().int(),
    }),
  ),
  total: z.number().int(),
  errors: z.number().int(),
});
export const contextResponseSchema = z.looseObject({
  context: z.string(),
  memory_count: z.number().int(),
  token_count: z.number().int(),
  truncated: z.boolean(),
  omitted_count: z.number().int(),
});

export interface MemoryListResponse {
  memories: MemoryWire[];
  count: number;
  has_more: boolean;
}
export interface ExportPageResponse {
  memories: MemoryWire[];
  next: { timeUs: number; id: string } | null;
}
export interface ExistingIdsResponse {
  ids: string[];
}
export interface SearchResponse {
  results: MemoryWire[];
  count: number;
  query_time_ms: number;
}
export type AgentStatsResponse = z.infer<typeof agentStatsResponseSchema>;
export type AgentActivityResponse = z.infer<typeof agentActivityResponseSchema>;
export type ContextResponse = z.infer<typeof contextResponseSchema> & { session_id?: string; agent_id?: string };

/** What an `RpcException` carries across the wire: a code of the shared table, safe to show. */
export const rpcErrorSchema = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });
export type RpcErrorPayload = z.infer<typeof rpcErrorSchema>;

/** Each pattern's request schema: what the query service parses every message with. */
export const QUERY_REQUEST_SCHEMAS = {
  [QUERY_PATTERNS.listMemories]: listMemoriesRequestSchema,
  [QUERY_PATTERNS.getMemory]: getMemoryRequestSchema,
  [QUERY_PATTERNS.deleteMemory]: deleteMemoryRequestSchema,
  [QUERY_PATTERNS.forget]: forgetRequestSchema,
  [QUERY_PATTERNS.eraseAgentMemories]: eraseAgentMemoriesRequestSchema,
  [QUERY_PATTERNS.getErasure]: getErasureRequestSchema,
  [QUERY_PATTERNS.exportPage]: exportPageRequestSchema,
  [QUERY_PATTERNS.existingIds]: existingIdsRequestSchema,
  [QUERY_PATTERNS.searchMemories]: searchMemoriesRequestSchema,
  [QUERY_PATTERNS.agentMemories]: agentMemoriesRequestSchema,
  [QUERY_PATTERNS.sessionMemories]: sessionMemoriesRequestSchema,
  [QUERY_PATTERNS.agentStats]: agentStatsRequestSchema,
  [QUERY_PATTERNS.agentActivity]: agentActivityRequestSchema,
  [QUERY_PATTERNS.renderContext]: renderContextRequestSchema,
} as const satisfies Record<QueryPattern, z.ZodType>;

/** Each pattern's answer. */
export interface QueryResponses {
  [QUERY_PATTERNS.listMemories]: MemoryListResponse;
  [QUERY_PATTERNS.getMemory]: MemoryWire;
  [QUERY_PATTERNS.deleteMemory]: { deleted: string };
  [QUERY_PATTERNS.forget]: ErasureReceipt;
  [QUERY_PATTERNS.eraseAgentMemories]: ErasureReceipt;
  [QUERY_PATTERNS.getErasure]: ErasureReceipt;
  [QUERY_PATTERNS.exportPage]: ExportPageResponse;
  [QUERY_PATTERNS.existingIds]: ExistingIdsResponse;
  [QUERY_PATTERNS.searchMemories]: SearchResponse;
  [QUERY_PATTERNS.agentMemories]: MemoryListResponse;
  [QUERY_PATTERNS.sessionMemories]: MemoryListResponse;
  [QUERY_PATTERNS.agentStats]: AgentStatsResponse;
  [QUERY_PATTERNS.agentActivity]: AgentActivityResponse;
  [QUERY_PATTERNS.renderContext]: ContextResponse;
}

/** What a caller sends for `P` (the client adds the trace context). */
export type RequestOf<P extends QueryPattern> = Omit<z.input<(typeof QUERY_REQUEST_SCHEMAS)[P]>, 'trace'>;
/** What the query service receives for `P`, parsed. */
export type ParsedRequestOf<P extends QueryPattern> = z.output<(typeof QUERY_REQUEST_SCHEMAS)[P]>;
export type ResponseOf<P extends QueryPattern> = QueryResponses[P];
