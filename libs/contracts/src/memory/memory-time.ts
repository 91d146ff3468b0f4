/**
 * Memory times are microseconds since the epoch. On the wire they are RFC 3339 UTC in Go's
 * RFC3339Nano shape (trailing zeros of the fraction trimmed, no fraction when zero), which is what
 * Arc returns and what upstream clients parse.
 */
export function formatTimeUs(timeUs: number): string {
  if (!Number.isSafeInteger(timeUs)) throw new RangeError(`time ${String(timeUs)} µs is not a safe integer`);
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

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses RFC 3339 as Arc and clients print it (`…:22Z`, `…:22.5Z`, `…:22.123456789Z`, any numeric
 * offset) to µs; digits past the microsecond are truncated. Undefined when it is not a timestamp.
 */
export function parseTimeUs(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, date, clock, fraction = '', zone] = m;
  const ms = Date.parse(`${date}T${clock}.000Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== `${date}T${clock}`) return undefined;
  const micros = Number((fraction + '000000').slice(0, 6));
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetMinutes = zone.length === 1 ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}
