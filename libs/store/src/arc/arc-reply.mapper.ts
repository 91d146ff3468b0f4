import { z } from 'zod';
import { StoreUnavailableError } from '../port/store.exception';
import { arcFailureMessage, classifyArcFailure, type ArcOperation } from './arc-failure.mapper';
import type { ArcReply } from './arc-http.client';

/** The query envelope (reference/arc.md §3.3, §3.5); `columns`/`data` are null on errors. */
const QueryEnvelope = z.object({
  success: z.boolean().optional(),
  columns: z.array(z.string()).nullish(),
  data: z.array(z.array(z.unknown())).nullish(),
  error: z.string().optional(),
});

const DeleteEnvelope = z.object({
  success: z.boolean().optional(),
  deleted_count: z.number().optional(),
  error: z.string().optional(),
});

/**
 * Rows of a query reply as objects keyed by column name: Arc's column order follows the Parquet
 * schema, which it writes in random order, so positions mean nothing. The "no files yet" reply
 * (`columns: []`, `data: []`) is zero rows, even for `COUNT(*)`.
 */
export function readQueryRows(reply: ArcReply): Record<string, unknown>[] {
  const envelope = parseEnvelope(reply, QueryEnvelope, 'query');
  const columns = envelope.columns ?? [];
  const data = envelope.data ?? [];
  if (columns.length === 0) return [];
  return data.map((values) => {
    if (values.length !== columns.length) throw unreadable('query', `a row has ${values.length} values for ${columns.length} columns`);
    const row: Record<string, unknown> = {};
    columns.forEach((name, i) => (row[name] = values[i]));
    return row;
  });
}

/** Arc's 207 (some files failed) is retryable: a delete of the same predicate is idempotent. */
export function readDeletedCount(reply: ArcReply): number {
  const envelope = parseEnvelope(reply, DeleteEnvelope, 'delete');
  if (reply.status === 207) throw classifyArcFailure('delete', 207, envelope.error ?? 'some files could not be rewritten');
  return envelope.deleted_count ?? 0;
}

function parseEnvelope<T extends { success?: boolean; error?: string }>(reply: ArcReply, schema: z.ZodType<T>, op: ArcOperation): T {
  let json: unknown;
  try {
    json = JSON.parse(reply.body);
  } catch {
    throw unreadable(op, 'the reply is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw unreadable(op, `unexpected reply shape: ${parsed.error.message}`);
  // An envelope can report failure inside a 2xx; treat it like Arc's engine-error 500.
  if (parsed.data.success === false || parsed.data.error !== undefined) {
    throw classifyArcFailure(op, reply.status >= 400 ? reply.status : 500, parsed.data.error ?? 'success: false');
  }
  return parsed.data;
}

/** `why` can quote the reply, so it is detail for the operator only. */
export function unreadable(op: ArcOperation, why: string): StoreUnavailableError {
  return new StoreUnavailableError(arcFailureMessage(`sent an unreadable reply to a ${op}`), { detail: `Arc ${op} returned an unreadable reply: ${why}` });
}
