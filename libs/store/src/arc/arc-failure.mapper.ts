import { StoreRejectedError, StoreUnavailableError, type StoreError } from '../port/store.exception';

export type ArcOperation = 'write' | 'query' | 'delete' | 'ping';

/** DuckDB error classes that mean "this SQL can never run", as opposed to IO or resource trouble. */
const SQL_FAULT = /\b(Binder|Parser|Conversion|Catalog|Invalid Input|Not implemented|Syntax|Out of Range|Type mismatch) Error\b/i;

/**
 * Sorts an Arc failure into the port's two kinds (reference/arc.md §2.6, §3.5, §4.1). The question is
 * whether retrying the same input can succeed:
 * - 400, 413, 422: the data or SQL is invalid → rejected;
 * - write 500 "failed to convert columns" and query 500 carrying a binder/parser/conversion error
 *   → rejected (Arc reports DuckDB's engine errors as 500);
 * - everything else, including 401/403/404 (a wrong token or URL in the binding, fixed without
 *   touching the data), 429, 503 schema churn, 504 and other 5xx → unavailable.
 */
export function classifyArcFailure(op: ArcOperation, status: number, message: string): StoreError {
  const text = `Arc ${op} failed (HTTP ${status}): ${message}`;
  if (status === 400 || status === 413 || status === 422) return new StoreRejectedError(text, { status });
  if (status === 500 && op === 'write' && /failed to convert columns|unsupported column type/i.test(message)) {
    return new StoreRejectedError(text, { status });
  }
  if (status === 500 && op !== 'write' && SQL_FAULT.test(message)) return new StoreRejectedError(text, { status });
  return new StoreUnavailableError(text, { status });
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
