import { StoreRefusedError, StoreRejectedError, StoreUnavailableError, type StoreError } from '../port/store.exception';

export type ArcOperation = 'write' | 'query' | 'delete' | 'ping';

/** DuckDB error classes that mean "this SQL can never run", as opposed to IO or resource trouble. */
const SQL_FAULT = /\b(Binder|Parser|Conversion|Catalog|Invalid Input|Not implemented|Syntax|Out of Range|Type mismatch) Error\b/i;

/**
 * The message of a failure of the store itself, as a tenant may read it (it becomes a 503's hint):
 * what happened in general terms, never the reply text, which is the error's `detail`.
 */
export function arcFailureMessage(summary: string): string {
  return `the organisation's store ${summary}; an operator can see the details in the logs`;
}

/**
 * Sorts an Arc failure into the port's kinds (reference/arc.md §2.6, §3.5, §4.1). The question is
 * whether retrying the same input can succeed:
 * - 400, 413, 422: the data or SQL is invalid → rejected;
 * - write 500 "failed to convert columns" and query 500 carrying a binder/parser/conversion error
 *   → rejected (Arc reports DuckDB's engine errors as 500);
 * - 408, 429: slow down and retry → unavailable;
 * - every other 4xx, e.g. 401/403/404 (a wrong token or URL in the binding, or not an Arc server),
 *   and 3xx (redirects are not followed) → refused: retried a bounded number of times, since
 *   fixing the binding fixes it;
 * - 503 schema churn, 504 and other 5xx → unavailable.
 * `upstream` (Arc's error text) goes into `detail` only.
 */
export function classifyArcFailure(op: ArcOperation, status: number, upstream: string): StoreError {
  const options = { status, detail: `Arc ${op} failed (HTTP ${status}): ${upstream}` };
  const message = arcFailureMessage(`answered HTTP ${status} to a ${op}`);
  if (status === 400 || status === 413 || status === 422) return new StoreRejectedError(message, options);
  if (status === 500 && op === 'write' && /failed to convert columns|unsupported column type/i.test(upstream)) {
    return new StoreRejectedError(message, options);
  }
  if (status === 500 && op !== 'write' && SQL_FAULT.test(upstream)) return new StoreRejectedError(message, options);
  if (status >= 300 && status <= 499 && status !== 408 && status !== 429) return new StoreRefusedError(message, options);
  return new StoreUnavailableError(message, options);
}

/** Arc's `error` field (both the `{"error"}` body and the query envelope), else the raw text. */
export function arcErrorMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const error = (parsed as { error?: unknown }).error;
      if (typeof error === 'string' && error !== '') return error;
    }
  } catch {
    // not JSON: fall through to the text
  }
  const trimmed = body.trim();
  return trimmed === '' ? '(empty body)' : trimmed.slice(0, 500);
}
