import { normalizeFilterText } from '../filter/filter-text.util';
import { StoreRejectedError } from '../port/store.exception';
import { formatTimeUs } from '@memtrace/contracts';

/*
 * Every value that reaches SQL text goes through one of these functions. Arc takes no bound
 * parameters, so escaping is the defence. A string literal is the value normalised by
 * `normalizeFilterText` (NUL dropped, lone surrogates → U+FFFD) with `'` doubled, between quotes.
 * DuckDB string literals have no backslash escapes, so `\` stays an ordinary character (upstream
 * doubled it, which changes the value under DuckDB). Numbers are printed here, never passed as text.
 */

export function refuse(message: string): never {
  throw new StoreRejectedError(message);
}

export function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string') refuse(`${what} must be a string`);
  return value;
}

/** `'it''s'` */
export function stringLiteral(value: string): string {
  return `'${normalizeFilterText(requireText(value, 'value')).replace(/'/g, "''")}'`;
}

/**
 * A LIKE pattern matching `value` as a plain substring: the LIKE metacharacters `%`, `_` and the
 * escape character `\` itself are prefixed with `\`, to be used with `ESCAPE '\'`.
 */
export function containsPattern(value: string): string {
  const escaped = normalizeFilterText(requireText(value, 'value')).replace(/[\\%_]/g, (c) => `\\${c}`);
  return stringLiteral(`%${escaped}%`);
}

/**
 * A DOUBLE literal in scientific notation: DuckDB reads `5e-1` as DOUBLE (a plain `0.5` would be a
 * DECIMAL), and `toExponential()` prints the shortest digits that round-trip the exact double.
 */
export function doubleLiteral(value: unknown, what: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) refuse(`${what} must be a finite number`);
  return value.toExponential();
}

export function countLiteral(value: unknown, what: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    refuse(`${what} must be a non-negative integer`);
  }
  return String(value);
}

/** `'2026-08-20T14:03:22.123456Z'::TIMESTAMPTZ` from µs; the `Z` makes it independent of TimeZone. */
export function timestampLiteral(us: unknown, what: string): string {
  if (typeof us !== 'number' || !Number.isSafeInteger(us)) refuse(`${what} must be a safe integer of µs`);
  return `'${formatTimeUs(us)}'::TIMESTAMPTZ`;
}
