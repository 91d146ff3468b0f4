/** Upstream documents "max 1000"; we clamp to it instead of falling back to the default (design §9). */
export const MAX_READ_LIMIT = 1000;
export const DEFAULT_LIST_LIMIT = 100;
export const DEFAULT_SEARCH_LIMIT = 50;

/** Zero and negatives are 400: upstream silently used its default, so a client's bug read as a page of another size. */
export const LIMIT_MESSAGE = 'invalid limit: must be at least 1';
export const LIMIT_HINT = `a limit above ${MAX_READ_LIMIT} reads as ${MAX_READ_LIMIT}`;

/**
 * A validated limit (a query value in Atoi syntax or a JSON integer): absent or `""` → the
 * endpoint's default, `> 1000` → 1000.
 */
export function readLimit(value: string | number | null | undefined, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  return Math.min(Number(value), MAX_READ_LIMIT);
}

/** A validated offset in Atoi syntax: absent or `""` → 0. */
export function readOffset(value: string | null | undefined): number {
  return value === undefined || value === null || value === '' ? 0 : Number(value);
}

/** Upstream's context query reads at most this many rows (newest first). */
export const CONTEXT_ROW_LIMIT = 100;
