import { AppError, ID_PATTERN, ID_PATTERN_MESSAGE, TAG_PATTERN, TAG_PATTERN_MESSAGE, TYPE_PATTERN, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';

/** More values than this in one list filter is a mistake, and would only bloat the SQL. */
export const MAX_FILTER_VALUES = 100;

/**
 * Validation of filter values with upstream's patterns and messages (§5), answered as 400 rather than
 * upstream's 500. An empty string means "not given", as upstream: it passes and yields undefined.
 */
export function optionalId(field: string, value: string): string | undefined {
  if (value === '') return undefined;
  if (!ID_PATTERN.test(value)) badRequest(`invalid ${field}: ${ID_PATTERN_MESSAGE}`);
  return value;
}

/** A path id (`/agents/:id/…`, `/sessions/:id/…`): required, ID pattern. */
export function requiredId(field: string, value: string): string {
  const id = optionalId(field, value);
  if (id === undefined) badRequest(`invalid ${field}: ${ID_PATTERN_MESSAGE}`);
  return id;
}

export function optionalType(field: string, value: string): string | undefined {
  if (value === '') return undefined;
  if (!TYPE_PATTERN.test(value)) badRequest(`invalid ${field}: ${TYPE_PATTERN_MESSAGE}`);
  return value;
}

/**
 * A list of types (search `memory_types[]`, context `include_types[]`). Empty entries are dropped
 * ("not given"); `label` renders a failing entry into upstream's message shape.
 */
export function typeList(field: string, values: readonly string[], label: (value: string) => string): string[] | undefined {
  const kept = values.filter((value) => value !== '');
  checkCount(field, kept.length);
  for (const value of kept) if (!TYPE_PATTERN.test(value)) badRequest(`${label(value)}: ${TYPE_PATTERN_MESSAGE}`);
  return kept.length > 0 ? kept : undefined;
}

/** Tags are matched whole and ANDed; each must match the Tag pattern. Empty entries are dropped. */
export function tagList(values: readonly string[]): string[] | undefined {
  const kept = values.filter((value) => value !== '');
  checkCount('tags', kept.length);
  for (const tag of kept) if (!TAG_PATTERN.test(tag)) badRequest(`invalid tag '${tag}': ${TAG_PATTERN_MESSAGE}`);
  return kept.length > 0 ? kept : undefined;
}

/** `tags=a, b,c` on the query string: comma-separated, each trimmed. */
export function splitTags(csv: string): string[] {
  return csv.split(',').map((tag) => tag.trim());
}

/**
 * `asc` or `desc`, exactly; empty means "not given" (desc). Upstream read anything else as desc,
 * so a typo (`order=ASC`, `order=sideways`) silently answered the other order: 400 here.
 */
export function parseOrder(value: string): 'asc' | 'desc' {
  if (value === 'asc') return 'asc';
  if (value === '' || value === 'desc') return 'desc';
  return badRequest('invalid order: must be asc or desc');
}

/** Filters compare with `toEqual` in tests and travel over RPC: absent keys, not `undefined` ones. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

export function badRequest(message: string, hint?: string): never {
  throw new AppError('bad_request', message, hint);
}

function checkCount(field: string, count: number): void {
  if (count > MAX_FILTER_VALUES) badRequest(`invalid ${field}: ${count} values, at most ${MAX_FILTER_VALUES} allowed`);
}
