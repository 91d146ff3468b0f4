export interface StoreErrorOptions {
  /** HTTP status of the store's reply, when there was one. */
  status?: number;
  /** What the store or the transport said, for the operator's log (see `StoreError.detail`). */
  detail?: string;
  cause?: unknown;
}

/**
 * Base of the store's typed failures. `message` may reach the tenant (as an error hint), so for a
 * failure of the store itself it never carries what the store answered: a tenant's binding can
 * point at any HTTP server, whose reply text is not the tenant's to read. That text is `detail`,
 * which is logged and kept in dead letters, both operator-only.
 */
export abstract class StoreError extends Error {
  readonly status?: number;
  /** Not readonly: the adapter that knows the binding's token blanks it out of the text in place. */
  detail?: string;

  constructor(message: string, options: StoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.detail = options.detail;
  }
}

/**
 * The store could not be reached or could not answer now (network, timeout, 5xx, 429). Nothing
 * is wrong with the data: callers retry writes and answer reads 503.
 */
export class StoreUnavailableError extends StoreError {
  override readonly name: string = 'StoreUnavailableError';
}

/**
 * The store refused the request as such (401, 403, 404 and the other 4xx that say nothing about
 * the data): a wrong token, URL or permission in the binding, or a server that is not Arc at all.
 * A subclass of unavailable, because reads answer 503 alike and the binding may be fixed within
 * seconds; but writers give up after a bounded number of attempts and dead-letter the rows, so a
 * binding that can never work does not hold jobs (and retry traffic to its URL) forever.
 */
export class StoreRefusedError extends StoreUnavailableError {
  override readonly name: string = 'StoreRefusedError';
}

/**
 * The store refused the data or the query as invalid (400, 413, 422, Arc's type-conversion 500, a
 * DuckDB binder error, or a value the port itself refuses). Retrying the same input cannot succeed:
 * callers dead-letter writes and answer reads 400.
 */
export class StoreRejectedError extends StoreError {
  override readonly name = 'StoreRejectedError';
}
