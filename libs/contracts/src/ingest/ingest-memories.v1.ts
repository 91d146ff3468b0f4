import { z } from 'zod';
import { MEMORY_TYPES } from '../memory/memory.types';
import { traceContextSchema } from '../trace-context';

/**
 * Job name and payload of one write request (1..N memories) queued by the gateway for the ingest
 * worker. A job can sit in Redis across a deploy, so the worker parses every payload with this
 * schema before use. Within v1 only optional fields may be added; anything else is a v2 with its
 * own handler. Golden fixtures of v1 live in ./fixtures and must keep parsing.
 */
export const INGEST_MEMORIES_V1 = 'ingest.memories.v1';

export const ingestMemoryV1Schema = z.object({
  id: z.string().uuid(),
  timeUs: z.number().int().positive(),
  agentId: z.string().min(1),
  sessionId: z.string(),
  memoryType: z.enum(MEMORY_TYPES),
  eventType: z.string().min(1),
  content: z.string().min(1),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  tags: z.array(z.string()),
  dedupKey: z.string(),
  importance: z.number().finite(),
  parentId: z.string(),
});

export const ingestMemoriesV1Schema = z.object({
  v: z.literal(1),
  orgId: z.string().min(1),
  /** The gateway's request id, so a dead-lettered job can be traced to its request. */
  requestId: z.string().optional(),
  memories: z.array(ingestMemoryV1Schema).min(1),
  /** The trace context of the enqueue (absent when tracing is off); the worker's batch span continues it. */
  trace: traceContextSchema,
});

export type IngestMemoriesV1 = z.infer<typeof ingestMemoriesV1Schema>;
