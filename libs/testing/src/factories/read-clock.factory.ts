/** An hour in µs, the unit of every time in a read. */
export const HOUR_US = 3_600_000_000;

/** A fixed "now" for specs of the request parsers: 2026-02-08T12:00:00Z in µs. */
export const NOW_US = Date.UTC(2026, 1, 8, 12) * 1000;
