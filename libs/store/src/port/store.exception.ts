export interface StoreErrorOptions {
  /** HTTP status of the store's reply, when there was one. */
  status?: number;
  cause?: unknown;
}

/** Base of the store's typed failures; `message` is the store's own message where it gave one. */
export abstract class StoreError extends Error {
  readonly status?: number;

  constructor(message: string, options: StoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }
}

/**
 * The store could not be reached or could not answer now (network, timeout, 5xx, 401/403/404 of a
 * misconfigured binding). Nothing is wrong with the data: callers retry writes and answer reads 503.
 */
export class StoreUnavailableError extends StoreError {
  override readonly name = 'StoreUnavailableError';
}

/**
 * The store refused the data or the query as invalid (4xx, Arc's type-conversion 500, a DuckDB
 * binder error, or a value the port itself refuses). Retrying the same input cannot succeed:
 * callers dead-letter writes and answer reads 400.
 */
export class StoreRejectedError extends StoreError {
  override readonly name = 'StoreRejectedError';
}
