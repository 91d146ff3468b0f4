/**
 * The one table of error codes shared by every process. HTTP apps turn a code into a status; the
 * query service throws `RpcException({code, message})` and the gateway maps it back with this table.
 * The body is always upstream's `{"error": message}` plus optional `hint` and `code`.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  /** An Idempotency-Key reused with a different request body. */
  idempotency_mismatch: 422,
  rate_limited: 429,
  internal: 500,
  store_unavailable: 503,
  /** Redis, which holds the queues and the writes not yet stored, is unreachable. */
  queue_unavailable: 503,
  no_store_binding: 503,
  binding_unavailable: 503,
  /** The query service could not be reached or did not answer in time. */
  query_unavailable: 503,
  /** The org already has its maximum of concurrent store reads in this query process. */
  store_busy: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Codes whose answer carries `Retry-After` (seconds): the condition is expected to clear that soon. */
export const RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = { store_busy: 1, rate_limited: 1 };

export interface ErrorBody {
  error: string;
  hint?: string;
  code?: ErrorCode;
}

/** A failure meant for the client: its message and hint are safe to show. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return this.hint ? { error: this.message, hint: this.hint, code: this.code } : { error: this.message, code: this.code };
  }
}

/** The upstream text of the no-binding 503: SDKs detect it by the substring "arc instance". */
export const NO_STORE_BINDING_MESSAGE = 'no arc instance configured for this org';

export function noStoreBinding(orgId: string): AppError {
  return new AppError('no_store_binding', NO_STORE_BINDING_MESSAGE, `ask an admin to run \`memtrace org add-arc ${orgId}\``);
}
