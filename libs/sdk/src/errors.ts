/**
 * The upstream SDKs' error classes, so code written against them keeps its `instanceof` checks.
 * `statusCode` is 0 when no HTTP response arrived (network failure or timeout).
 */
export class MemtraceError extends Error {
  override readonly name: string = 'MemtraceError';

  constructor(
    message: string,
    readonly statusCode = 0,
    /** The server's `hint`, when it sent one (e.g. how to fix a missing store binding). */
    readonly hint?: string,
  ) {
    super(message);
  }
}

export class AuthenticationError extends MemtraceError {
  override readonly name = 'AuthenticationError';
}

export class NotFoundError extends MemtraceError {
  override readonly name = 'NotFoundError';
}

export class ConflictError extends MemtraceError {
  override readonly name = 'ConflictError';
}

/** 503 because the organisation has no store (Arc instance) configured. */
export class NoArcInstanceError extends MemtraceError {
  override readonly name = 'NoArcInstanceError';
}

export class RateLimitError extends MemtraceError {
  override readonly name = 'RateLimitError';

  constructor(
    message: string,
    statusCode: number,
    hint?: string,
    /** Seconds the server asked to wait (`Retry-After`), when given. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, statusCode, hint);
  }
}

/** The error for an HTTP status ≥ 400, by upstream's mapping (§3 of the REST contract). */
export function errorForStatus(status: number, message: string, hint?: string, retryAfterSeconds?: number): MemtraceError {
  switch (status) {
    case 401:
      return new AuthenticationError(message, status, hint);
    case 404:
      return new NotFoundError(message, status, hint);
    case 409:
      return new ConflictError(message, status, hint);
    case 429:
      return new RateLimitError(message, status, hint, retryAfterSeconds);
    case 503:
      return /arc instance/i.test(message) ? new NoArcInstanceError(message, status, hint) : new MemtraceError(message, status, hint);
    default:
      return new MemtraceError(message, status, hint);
  }
}
