import { errorForStatus, MemtraceError, NoArcInstanceError, RateLimitError } from './errors.js';

export interface TransportOptions {
  /** Per attempt, in milliseconds. Default 30,000. */
  timeout?: number;
  /** Extra attempts for idempotent calls after a network error, a timeout, 429 or 503. Default 2. */
  maxRetries?: number;
  /** First backoff delay in milliseconds; doubles per attempt, with full jitter. Default 250. */
  retryBaseDelay?: number;
  /** For tests and custom agents; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: URLSearchParams;
  /** `undefined` sends no body (and no Content-Type); `null` sends a literal `null`. */
  body?: unknown;
  /** Sent as is with `Content-Type: application/x-ndjson`, instead of `body`. */
  ndjson?: string;
  /** Whether repeating the call cannot change the outcome, which makes retrying it safe. */
  idempotent: boolean;
  /**
   * Sent as `Idempotency-Key` (the same on every attempt): the server answers a repeat with the
   * first attempt's response, which is what makes retrying a write safe.
   */
  idempotencyKey?: string;
}

const MAX_RETRY_AFTER_MS = 30_000;

/** One place for HTTP: headers, timeouts, retries, and turning failures into the SDK's errors. */
export class Transport {
  private readonly baseUrl: string;
  private readonly timeout: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelay: number;
  private readonly fetchFn: typeof fetch;

  /** A private field, so logging or serialising a client never prints the key. */
  readonly #apiKey: string;

  constructor(baseUrl: string, apiKey: string, options: TransportOptions = {}) {
    if (!baseUrl) throw new MemtraceError('a base URL is required, e.g. http://localhost:9100');
    if (!apiKey) throw new MemtraceError('an API key is required (mtk_…)');
    this.#apiKey = apiKey;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeout = options.timeout ?? 30_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.retryBaseDelay = options.retryBaseDelay ?? 250;
    // Called unbound: a browser's fetch throws "Illegal invocation" when called as another object's method.
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** The parsed JSON body, or `undefined` for an empty 2xx (204). */
  async request<T>(call: Call): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.attempt(call)) as T;
      } catch (error) {
        if (!call.idempotent || attempt >= this.maxRetries || !isRetryable(error)) throw error;
        await sleep(this.backoff(attempt, error));
      }
    }
  }

  private async attempt(call: Call): Promise<unknown> {
    const query = call.query?.toString();
    const url = `${this.baseUrl}${call.path}${query ? `?${query}` : ''}`;
    let response: Response;
    let text: string;
    // The timeout covers the body too: a server that stalls or drops mid-body is a failed request.
    try {
      response = await this.fetchFn(url, this.init(call, AbortSignal.timeout(this.timeout)));
      text = await response.text();
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new MemtraceError(`Request timed out after ${this.timeout}ms`);
      throw new MemtraceError(`Request failed: ${(error as Error)?.message ?? String(error)}`);
    }
    if (response.status >= 400) throw failure(response, text);
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new MemtraceError(`invalid JSON in a ${response.status} response from ${call.method} ${call.path}`, response.status);
    }
  }

  /**
   * The lines of an NDJSON answer, read as they arrive (an export of millions of rows is never held
   * whole). The timeout covers the wait for the answer's head only; a connection cut mid-stream is
   * an error, never a silent end.
   */
  async *lines(call: Call): AsyncGenerator<string> {
    const headersArrived = new AbortController();
    const timer = setTimeout(() => headersArrived.abort(), this.timeout);
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl}${call.path}${call.query?.size ? `?${call.query}` : ''}`, this.init(call, headersArrived.signal));
    } catch (error) {
      throw new MemtraceError(`Request failed: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 400) throw failure(response, await response.text());
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') yield line;
      }
    } catch (error) {
      throw new MemtraceError(`the stream was cut: ${(error as Error)?.message ?? String(error)}`);
    }
    if (buffered.trim() !== '') yield buffered;
  }

  private init(call: Call, signal: AbortSignal): RequestInit {
    const headers: Record<string, string> = { 'x-api-key': this.#apiKey, accept: 'application/json' };
    if (call.ndjson !== undefined) headers['content-type'] = 'application/x-ndjson';
    else if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    const body = call.ndjson ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
    return { method: call.method, headers, body, signal };
  }

  private backoff(attempt: number, error: unknown): number {
    if (error instanceof RateLimitError && error.retryAfterSeconds !== undefined) {
      return Math.min(error.retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS);
    }
    return Math.random() * this.retryBaseDelay * 2 ** attempt;
  }
}

function failure(response: Response, text: string): MemtraceError {
  let message = text.trim() || `HTTP ${response.status}`;
  let hint: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: unknown; hint?: unknown };
    if (typeof body?.error === 'string') message = body.error;
    if (typeof body?.hint === 'string') hint = body.hint;
  } catch {
    // A proxy's HTML or text error page: its text is the message.
  }
  const retryAfter = response.headers.get('retry-after');
  const seconds = retryAfter === null || retryAfter.trim() === '' ? NaN : Number(retryAfter);
  return errorForStatus(response.status, message, hint, Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined);
}

/** Network errors, timeouts, 429, and 503s other than a missing store (which no retry fixes). */
function isRetryable(error: unknown): boolean {
  if (!(error instanceof MemtraceError) || error instanceof NoArcInstanceError) return false;
  return error.statusCode === 0 || error.statusCode === 429 || error.statusCode === 503;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
