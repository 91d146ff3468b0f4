/*
 * Memory times on the wire are RFC 3339 UTC with up to microseconds (`2026-02-08T12:00:00.123456Z`).
 * JavaScript dates hold milliseconds, so the explorer keeps µs as numbers where precision matters
 * (the timeline's page cursor) and shows every time in UTC, as the store and the chart count it.
 */
const WIRE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** µs since the epoch of a wire time; NaN when it is not one. */
export function parseWireTimeUs(text: string): number {
  const match = WIRE_TIME.exec(text);
  if (!match) return Number.NaN;
  const ms = Date.parse(`${match[1]}T${match[2]}Z`);
  return ms * 1000 + Number(((match[3] ?? '') + '000000').slice(0, 6));
}

/** A wire time from µs, with all six fraction digits (the API reads it back exactly). */
export function formatTimeUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = String(us - ms * 1000).padStart(3, '0');
  const base = new Date(ms).toISOString();
  return `${base.slice(0, 23)}${micros}Z`;
}

/** `2026-02-08 12:00:00.123 UTC`: milliseconds are enough to read. */
export function displayTime(wire: string | undefined): string {
  if (!wire) return '—';
  const us = parseWireTimeUs(wire);
  if (Number.isNaN(us)) return wire;
  return `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 23).replace('T', ' ')} UTC`;
}

/** A bucket start as an axis label: `14:00` within a day, `02-08 14:00` across days, `02-08` for days. */
export function bucketLabel(wire: string, bucketSeconds: number, spansDays: boolean): string {
  const iso = new Date(Math.floor(parseWireTimeUs(wire) / 1000)).toISOString();
  if (bucketSeconds >= 86_400) return iso.slice(5, 10);
  return spansDays ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}
