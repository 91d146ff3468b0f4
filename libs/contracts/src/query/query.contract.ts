import { z } from 'zod';
import { erasureFilterSchema, type ErasureReceipt } from '../erasure/erasure.contract';
import type { MemoryWire } from '../memory/memory.wire';
import { traceContextSchema } from '../trace-context';
import { activityQuerySchema, contextSubjectSchema, readFilterSchema, readQuerySchema } from './read-query.wire';

/**
 * RPC contracts between the gateway and the query service (design §6). Patterns are versioned
 * strings: within a version only optional fields may be added; anything else is a new pattern
 * served next to the old one, so gateways and query processes can be deployed in any order.
 * The org always comes from the caller's API key, never from the request.
 */
export const QUERY_PATTERNS = {
  listMemories: 'query.list-memories.v2',
  getMemory: 'query.get-memory.v1',
  deleteMemory: 'query.delete-memory.v1',
  forget: 'query.forget.v2',
  eraseAgentMemories: 'query.erase-agent-memories.v1',
  getErasure: 'query.get-erasure.v1',
  exportPage: 'query.export-page.v2',
  existingIds: 'query.existing-ids.v1',
  searchMemories: 'query.search-memories.v2',
  agentMemories: 'query.agent-memories.v2',
  sessionMemories: 'query.session-memories.v2',
  agentStats: 'query.agent-stats.v1',
  agentActivity: 'query.agent-activity.v2',
  renderContext: 'query.render-context.v2',
} as const;

/**
 * The read patterns of the previous release, which carried the request as the client sent it (the
 * raw query string, the body as JSON) for the query service to validate. Still served, for gateways
 * of that release during a rolling deploy, and still sent by this gateway to a query process that
 * does not know v2 yet (`QueryClient` falls back on "no handler"). Drop them with that fallback in
 * the release after next.
 */
export const LEGACY_READ_PATTERNS = {
  listMemories: 'query.list-memories.v1',
  forget: 'query.forget.v1',
  exportPage: 'query.export-page.v1',
  searchMemories: 'query.search-memories.v1',
  agentMemories: 'query.agent-memories.v1',
  sessionMemories: 'query.session-memories.v1',
  agentActivity: 'query.agent-activity.v1',
  renderContext: 'query.render-context.v1',
} as const;

export type LegacyReadPattern = (typeof LEGACY_READ_PATTERNS)[keyof typeof LEGACY_READ_PATTERNS];
export type QueryPattern = (typeof QUERY_PATTERNS)[keyof typeof QUERY_PATTERNS] | LegacyReadPattern;

const orgId = z.string().min(1);
/** The gateway's trace context (absent when tracing is off): the query service's span continues it. */
const trace = traceContextSchema;
/** The raw query string as Fastify parsed it: values are strings, or arrays when repeated. */
const queryParams = z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({});
/** A route's query string as the gateway received it (Fastify's parse). */
export type RawQueryParams = Record<string, string | string[]>;

export const getMemoryRequestSchema = z.object({ orgId, trace, id: z.string() });
/** `actor`: who deletes (`key:<id>`), for the audit trail. */
export const deleteMemoryRequestSchema = z.object({ orgId, trace, id: z.string(), actor: z.string().min(1) });
/** `DELETE /api/v1/agents/:id?erase_memories=true`: the agent's memories, under its id and its name. */
export const eraseAgentMemoriesRequestSchema = z.object({ orgId, trace, agentId: z.string(), actor: z.string().min(1) });
export const getErasureRequestSchema = z.object({ orgId, trace, id: z.string() });
/** Which of `ids` (times within [minUs, maxUs]) the org has, stored or on their way: import's dedup by id. */
export const existingIdsRequestSchema = z.object({ orgId, trace, ids: z.array(z.string()).max(10_000), minUs: z.number().int(), maxUs: z.number().int() });
export const agentStatsRequestSchema = z.object({ orgId, trace, agentId: z.string() });

// The reads, validated by the gateway (libs/http read-requests) and carried as typed fields.
/** `GET /api/v1/memories`, `/agents/:id/memories` (`filter.agentId`, widened to its aliases here), `/sessions/:id/memories` and `POST /search`. */
export const listMemoriesRequestSchema = z.object({ orgId, trace, query: readQuerySchema });
export const agentMemoriesRequestSchema = z.object({ orgId, trace, query: readQuerySchema.extend({ filter: readFilterSchema.required({ agentId: true }) }) });
export const sessionMemoriesRequestSchema = z.object({ orgId, trace, query: readQuerySchema.extend({ filter: readFilterSchema.required({ sessionId: true }) }) });
export const searchMemoriesRequestSchema = z.object({ orgId, trace, query: readQuerySchema });
/** `POST /api/v1/memories/forget`: what to erase (never empty), or with `dryRun` only count it. */
export const forgetRequestSchema = z.object({
  orgId,
  trace,
  filter: erasureFilterSchema.refine((filter) => Object.keys(filter).length > 0, 'forget needs a filter'),
  dryRun: z.boolean(),
  actor: z.string().min(1),
});
const memoryKey = z.object({ timeUs: z.number().int(), id: z.string() });
/**
 * One page of `GET /api/v1/export`: the rows matching `filter`, after `after` in ascending
 * (time, id) order; the reply's `next` is the next page's `after` (null: the export is complete).
 * The gateway resolves relative windows (`since=2h`) once, so every page reads the same window.
 */
export const exportPageRequestSchema = z.object({ orgId, trace, filter: readFilterSchema, after: memoryKey.optional() });
export const agentActivityRequestSchema = z.object({ orgId, trace, query: activityQuerySchema });
/** `maxTokens`: the token budget; absent renders every row. */
export const renderContextRequestSchema = z.object({ orgId, trace, subject: contextSubjectSchema, query: readQuerySchema, maxTokens: z.number().int().positive().optional() });

export type GetMemoryRequest = z.input<typeof getMemoryRequestSchema>;
export type DeleteMemoryRequest = z.input<typeof deleteMemoryRequestSchema>;
export type EraseAgentMemoriesRequest = z.input<typeof eraseAgentMemoriesRequestSchema>;
export type GetErasureRequest = z.input<typeof getErasureRequestSchema>;
export type ExistingIdsRequest = z.input<typeof existingIdsRequestSchema>;
export type AgentStatsRequest = z.input<typeof agentStatsRequestSchema>;

// The same reads as the previous release sent them: the request as the client sent it.
const rawBody = z.unknown();
export const listMemoriesV1RequestSchema = z.object({ orgId, trace, params: queryParams });
export const forgetV1RequestSchema = z.object({ orgId, trace, body: rawBody, actor: z.string().min(1) });
/** `nowUs` pins relative windows (`since=2h`) to the export's start for every page. */
export const exportPageV1RequestSchema = z.object({ orgId, trace, params: queryParams, nowUs: z.number().int(), after: memoryKey.optional() });
export const searchMemoriesV1RequestSchema = z.object({ orgId, trace, body: rawBody });
export const agentMemoriesV1RequestSchema = z.object({ orgId, trace, agentId: z.string(), params: queryParams });
export const sessionMemoriesV1RequestSchema = z.object({ orgId, trace, sessionId: z.string(), params: queryParams });
export const agentActivityV1RequestSchema = z.object({ orgId, trace, agentId: z.string(), params: queryParams });
export const renderContextV1RequestSchema = z.object({ orgId, trace, subject: z.enum(['session', 'agent']), id: z.string(), body: rawBody });

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
  [LEGACY_READ_PATTERNS.listMemories]: listMemoriesV1RequestSchema,
  [LEGACY_READ_PATTERNS.forget]: forgetV1RequestSchema,
  [LEGACY_READ_PATTERNS.exportPage]: exportPageV1RequestSchema,
  [LEGACY_READ_PATTERNS.searchMemories]: searchMemoriesV1RequestSchema,
  [LEGACY_READ_PATTERNS.agentMemories]: agentMemoriesV1RequestSchema,
  [LEGACY_READ_PATTERNS.sessionMemories]: sessionMemoriesV1RequestSchema,
  [LEGACY_READ_PATTERNS.agentActivity]: agentActivityV1RequestSchema,
  [LEGACY_READ_PATTERNS.renderContext]: renderContextV1RequestSchema,
} as const satisfies Record<QueryPattern, z.ZodType>;

/** Each pattern's answer: a legacy pattern answers what its current one does. */
interface CurrentResponses {
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
type LegacyResponses = { [K in keyof typeof LEGACY_READ_PATTERNS as (typeof LEGACY_READ_PATTERNS)[K]]: CurrentResponses[(typeof QUERY_PATTERNS)[K]] };
export type QueryResponses = CurrentResponses & LegacyResponses;

/** What a caller sends for `P` (the client adds the trace context). */
export type RequestOf<P extends QueryPattern> = Omit<z.input<(typeof QUERY_REQUEST_SCHEMAS)[P]>, 'trace'>;
/** What the query service receives for `P`, parsed. */
export type ParsedRequestOf<P extends QueryPattern> = z.output<(typeof QUERY_REQUEST_SCHEMAS)[P]>;
export type ResponseOf<P extends QueryPattern> = QueryResponses[P];
