import { z } from 'zod';
import type { MemoryFilter, MemoryQuery } from '../memory/memory.types';

/**
 * A read as the gateway sends it once it has validated the request (RPC v2): typed fields, time
 * bounds resolved to absolute µs. The org is not part of it: it is the request's `orgId`, from the
 * caller's API key, and an `orgId` inside the filter is dropped on parse. Alias widening (`agentIds`)
 * and keyset paging (`after`) are the query service's, so they are not carried either.
 */
export const readFilterSchema = z.object({
  agentId: z.string().min(1).optional(),
  sessionId: z.string().min(1).optional(),
  memoryTypes: z.array(z.string()).optional(),
  eventTypes: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  contentContains: z.string().optional(),
  minImportance: z.number().optional(),
  sinceUs: z.number().int().optional(),
  untilUs: z.number().int().optional(),
});
export type ReadFilter = z.infer<typeof readFilterSchema>;

export const readQuerySchema = z.object({
  filter: readFilterSchema,
  order: z.enum(['asc', 'desc']),
  /** The largest page any read route serves: a bound on the work a message can ask for. */
  limit: z.number().int().min(1).max(1_000),
  offset: z.number().int().min(0).optional(),
});

export type ReadQuery = z.infer<typeof readQuerySchema>;

/** What `/agents/:id/activity` counts: the agent's memories with `sinceUs < time < untilUs`, per bucket of `bucketUs`. */
export const activityQuerySchema = z
  .object({
    agentId: z.string().min(1),
    sinceUs: z.number().int(),
    untilUs: z.number().int(),
    /** The bucket's name as the client gave it (`1h`), answered back. */
    bucket: z.string().min(1),
    bucketUs: z.number().int().positive(),
  })
  .refine((query) => query.sinceUs < query.untilUs, 'the window must not be empty');
export type ActivityQuery = z.infer<typeof activityQuerySchema>;

/** The subject of a context block: a session's memories or an agent's. */
export const contextSubjectSchema = z.object({ kind: z.enum(['session', 'agent']), id: z.string().min(1) });
export type ContextSubject = z.infer<typeof contextSubjectSchema>;

/** `filter` scoped to the caller's org: the one way a carried filter becomes a store filter. */
export function inOrg(orgId: string, filter: ReadFilter): MemoryFilter {
  return { ...filter, orgId };
}

/** `query` scoped to the caller's org. */
export function queryInOrg(orgId: string, query: ReadQuery): MemoryQuery {
  return { ...query, filter: inOrg(orgId, query.filter) };
}
