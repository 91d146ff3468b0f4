import { z } from 'zod';
import type { MemoryFilter } from '../memory/memory.types';

/**
 * What an erasure erases: the fields of a store filter without the org, which is the erasure's own.
 * Stored with the erasure (PostgreSQL) and in its tombstone (Redis), so it is versioned like a job:
 * fields may be added, never renamed.
 */
export const erasureFilterSchema = z.strictObject({
  agentId: z.string().optional(),
  /** Any of these agent ids: an agent's aliases (its id and its name), for an agent's erasure. */
  agentIds: z.array(z.string()).optional(),
  sessionId: z.string().optional(),
  memoryTypes: z.array(z.string()).optional(),
  eventTypes: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  sinceUs: z.number().int().optional(),
  untilUs: z.number().int().optional(),
});
export type ErasureFilter = z.infer<typeof erasureFilterSchema>;

export function erasureStoreFilter(orgId: string, filter: ErasureFilter): MemoryFilter {
  return { orgId, ...filter };
}

export const ERASURE_KINDS = ['forget', 'agent', 'retention', 'org'] as const;
export type ErasureKind = (typeof ERASURE_KINDS)[number];
export type ErasureStatus = 'pending' | 'running' | 'done' | 'failed';

/** `GET /api/v1/erasures/:id`, and the 202 of the requests that start one. */
export const erasureReceiptSchema = z.object({
  id: z.string(),
  kind: z.enum(ERASURE_KINDS),
  status: z.enum(['pending', 'running', 'done', 'failed']),
  dry_run: z.boolean(),
  /** Matching memories when it started (stored, and acknowledged but not stored yet); null until then. */
  matched: z.number().int().nullable(),
  erased: z.number().int(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  error: z.string().optional(),
});
export type ErasureReceipt = z.infer<typeof erasureReceiptSchema>;

/** The scheduled job that starts the retention erasures (one BullMQ job scheduler for the deployment). */
export const RETENTION_SWEEP_V1 = 'retention.sweep.v1';

/** The job that runs one erasure: the erasure's row says what to do, the job only which one. */
export const RUN_ERASURE_V1 = 'erasure.run.v1';
export const runErasureV1Schema = z.object({ erasureId: z.uuid(), orgId: z.string().min(1) });
export type RunErasureV1 = z.infer<typeof runErasureV1Schema>;
