import { badRequest } from './filter-fields.util';

/** A parsed query string as Fastify hands it over: repeated keys become arrays. */
export type QueryParams = Readonly<Record<string, unknown>>;

/**
 * The single value of a query parameter, '' when absent. A repeated parameter is rejected rather
 * than silently reduced to its first value (Go's behaviour): `tags=a&tags=b` would otherwise drop a
 * filter and return more than the caller asked for.
 */
export function queryValue(params: QueryParams | undefined, name: string): string {
  const value = params?.[name];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    badRequest(`invalid ${name}: given ${value.length} times, expected once`, name === 'tags' ? 'pass several tags comma-separated: tags=a,b' : undefined);
  }
  return badRequest(`invalid ${name}: expected a single value`);
}

/**
 * An integer parameter: '' (not given) → undefined, else Go's `strconv.Atoi` syntax, or 400 where
 * upstream silently used its default (`limit=abc`).
 */
export function queryInteger(params: QueryParams | undefined, name: string): number | undefined {
  const text = queryValue(params, name);
  if (text === '') return undefined;
  const value = parseAtoi(text);
  if (value === undefined) badRequest(`invalid ${name}: must be an integer`);
  return value;
}

/**
 * An integer as Go's `strconv.Atoi` reads it (optional sign, decimal digits, nothing else), or
 * undefined. Values beyond the safe-integer range count as unreadable, as Atoi's range error did.
 */
export function parseAtoi(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
