import { ingestMemoryV1Schema, MemoryRecord } from '@memtrace/contracts';
import { z } from 'zod';

/**
 * The hot tier's row format. A row lives until the worker confirms its batch, so rows written by one
 * release are read by the next, like jobs: each is parsed with its schema before use. Rows carry
 * `v: 1`; rows written before the format had a version (a bare `MemoryRecord`) have the same fields
 * and parse as version 1. A later format becomes a union of its schema and this one, so old rows
 * keep parsing.
 */
const recordSchema = ingestMemoryV1Schema.extend({ orgId: z.string().min(1) });
// `v` absent is the format before versions, which has version 1's fields.
const rowSchema = recordSchema.extend({ v: z.literal(1).optional() });

export const HOT_TIER_ROW_VERSION = 1;

export function encodeHotTierRow(record: MemoryRecord): string {
  return JSON.stringify({ v: HOT_TIER_ROW_VERSION, ...record });
}

/**
 * The record of a stored row, or undefined for a row this release cannot read (not JSON, failing
 * its schema, or a version from a newer release during a rolling deploy). Such a row is left out
 * of the read, not fatal: its memory is in the store once the worker confirms it.
 */
export function decodeHotTierRow(value: string): MemoryRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = rowSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { v: _version, ...record } = parsed.data;
  return record;
}
