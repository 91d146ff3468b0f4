/**
 * Memory times are microseconds since the epoch. On the wire they are RFC 3339 UTC in Go's
 * RFC3339Nano shape (trailing zeros of the fraction trimmed, no fraction when zero), which is what
 * Arc returns and what upstream clients parse.
 */
export function formatTimeUs(timeUs: number): string {
  const ms = Math.floor(timeUs / 1000);
  const micros = timeUs - ms * 1000;
  const base = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const fraction = (base.slice(20, 23) + String(micros).padStart(3, '0')).replace(/0+$/, '');
  return `${base.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

/** Now, in microseconds: milliseconds from the wall clock plus a sub-ms part from the monotonic clock. */
export function nowUs(): number {
  const wallMs = Date.now();
  const subMs = Math.floor((performance.now() % 1) * 1000);
  return wallMs * 1000 + subMs;
}

/** Parses an RFC 3339 timestamp (any fraction length, `Z` or offset) to µs; undefined if invalid. */
export function parseTimeUs(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[3].toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return ms * 1000 + Number(fraction);
}
