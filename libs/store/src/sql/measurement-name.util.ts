import { StoreRejectedError } from '../port/store.exception';

/**
 * Arc's measurement pattern without the hyphen (a bare SQL identifier cannot hold one, and quoted
 * identifiers did not resolve in Arc before 26.09.1), at most 128 characters as in Arc.
 */
const MEASUREMENT = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

/**
 * Names that cannot stand bare after FROM: DuckDB's reserved keywords (`SELECT keyword_name FROM
 * duckdb_keywords() WHERE keyword_category = 'reserved'`, DuckDB 1.5) and the bare words Arc's SQL
 * validator rejects anywhere outside a literal (reference/arc.md §3.4).
 */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'default deferrable desc describe distinct do else end except false fetch for foreign from group having in ' +
    'initially intersect into lambda lateral leading limit not null offset on only or order pivot pivot_longer ' +
    'pivot_wider placing primary qualify references returning select show some summarize symmetric table then to ' +
    'trailing true union unique unpivot using variadic when where window with ' +
    'attach detach copy pragma set reset load install call export import drop delete truncate alter insert update'
  ).split(' '),
);

/** Arc does not rewrite these prefixes into storage paths: DuckDB would read its own catalog instead. */
const SYSTEM_PREFIXES = ['pg_', 'duckdb_', 'information_schema', 'sqlite_'];

export function isValidMeasurement(name: unknown): name is string {
  if (typeof name !== 'string' || !MEASUREMENT.test(name)) return false;
  const lower = name.toLowerCase();
  return !RESERVED.has(lower) && !SYSTEM_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** Returns the name for use as a bare identifier, or throws `StoreRejectedError`. */
export function measurementIdentifier(name: unknown): string {
  if (!isValidMeasurement(name)) {
    throw new StoreRejectedError(
      `invalid measurement name ${JSON.stringify(name)}: must match ^[A-Za-z][A-Za-z0-9_]*$ (at most 128 characters) and not be an SQL keyword or system name`,
    );
  }
  return name;
}
