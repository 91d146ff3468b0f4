const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A filter value as SQL can carry it. A string literal cannot hold NUL, so it is dropped; a lone
 * UTF-16 surrogate has no UTF-8 form and reaches the store as U+FFFD. The builder and the in-memory
 * predicate both apply this, so they evaluate the same filter.
 */
export function normalizeFilterText(value: string): string {
  return value.replace(/\0/g, '').replace(LONE_SURROGATE, '\uFFFD');
}
