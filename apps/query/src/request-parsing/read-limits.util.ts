/** Upstream's context query reads at most this many rows (newest first). */
export const CONTEXT_ROW_LIMIT = 100;

/**
 * Upstream's `has_more`: a full page means there may be more. With our clamped limit, so a request
 * for 5000 rows that got 1000 says `true` (upstream compared 100 rows against 5000: false).
 */
export function hasMore(count: number, limit: number): boolean {
  return count >= limit;
}
