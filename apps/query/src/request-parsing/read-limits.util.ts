import { badRequest } from './filter-fields.util';

/** Upstream documents "max 1000"; we clamp to it instead of falling back to the default (design §9). */
export const MAX_READ_LIMIT = 1000;
export const DEFAULT_LIST_LIMIT = 100;
export const DEFAULT_SEARCH_LIMIT = 50;
/** Upstream's context query reads at most this many rows (newest first). */
export const CONTEXT_ROW_LIMIT = 100;

/**
 * A requested limit: absent → the endpoint's default, `> 1000` → 1000. Zero and negatives are 400:
 * upstream silently used its default, so a client's bug read as a page of another size.
 */
export function readLimit(requested: number | undefined, fallback: number): number {
  if (requested === undefined) return fallback;
  if (requested < 1) badRequest('invalid limit: must be at least 1', `a limit above ${MAX_READ_LIMIT} reads as ${MAX_READ_LIMIT}`);
  return Math.min(requested, MAX_READ_LIMIT);
}

/** A requested offset: absent → 0; negative is 400 (upstream silently read it as 0). */
export function readOffset(requested: number | undefined): number {
  if (requested === undefined) return 0;
  if (requested < 0) badRequest('invalid offset: must be at least 0');
  return requested;
}

/**
 * Upstream's `has_more`: a full page means there may be more. With our clamped limit, so a request
 * for 5000 rows that got 1000 says `true` (upstream compared 100 rows against 5000: false).
 */
export function hasMore(count: number, limit: number): boolean {
  return count >= limit;
}
