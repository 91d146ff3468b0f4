import { z } from 'zod';

/**
 * W3C trace context (`traceparent`, `tracestate`) carried inside a message that crosses processes
 * without HTTP headers: an ingest job's payload, a query RPC request. Optional everywhere, and a
 * malformed value is dropped rather than failing the message: tracing must never cost a write.
 */
export const traceContextSchema = z
  .object({
    traceparent: z
      .string()
      .max(256)
      .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-[0-9a-zA-Z-]*)?$/),
    tracestate: z.string().max(512).optional(),
  })
  .optional()
  .catch(undefined);

export type TraceContext = NonNullable<z.infer<typeof traceContextSchema>>;
