/** Upstream documents "max 1000"; we clamp to it instead of falling back to the default (design §9). */
export const MAX_READ_LIMIT = 1000;
export const DEFAULT_LIST_LIMIT = 100;
export const DEFAULT_SEARCH_LIMIT = 50;
/** Upstream's context query reads at most this many rows (newest first). */
export const CONTEXT_ROW_LIMIT = 100;

/** A requested limit: absent or `<= 0` → the endpoint's default, `> 1000` → 1000. */
export function clampLimit(requested: number | undefined, fallback: number): number {
  if (requested === undefined || requested <= 0) return fallback;
  return Math.min(requested, MAX_READ_LIMIT);
}

/**
 * Upstream's `has_more`: a full page means there may be more. With our clamped limit, so a request
 * for 5000 rows that got 1000 says `true` (upstream compared 100 rows against 5000: false).
 */
export function hasMore(count: number, limit: number): boolean {
  return count >= limit;
}
