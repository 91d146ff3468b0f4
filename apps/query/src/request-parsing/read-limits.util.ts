/**
 * Upstream's `has_more`: a full page means there may be more. With our clamped limit, so a request
 * for 5000 rows that got 1000 says `true` (upstream compared 100 rows against 5000: false).
 */
export function hasMore(count: number, limit: number): boolean {
  return count >= limit;
}
