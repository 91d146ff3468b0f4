import { StoreError, StoreUnavailableError } from '../port/store.exception';
import { arcErrorMessage, arcFailureMessage, classifyArcFailure, type ArcOperation } from './arc-failure.mapper';

/** Where a store reports what its server said (pino's `Logger` is one); operator-only. */
export interface StoreLog {
  warn(fields: object, message: string): void;
}

export interface ArcHttpOptions {
  /** Base URL, e.g. `http://arc:8000`. */
  url: string;
  database: string;
  token?: string;
  /** Per-request limit, covering the reply body too. */
  timeoutMs: number;
  /** Injectable for tests; defaults to Node's global fetch (undici, keep-alive by default). */
  fetch?: typeof fetch;
  log?: StoreLog;
}

export interface ArcRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: Uint8Array | string;
  contentType?: string;
  /** Arc's `/health` is public and upstream pings it without credentials. */
  authenticated: boolean;
}

export interface ArcReply {
  status: number;
  body: string;
}

/**
 * One Arc instance over HTTP. Every request carries `x-arc-database` and, when a token is set,
 * `Authorization: Bearer`. Non-2xx replies, transport failures and unreadable replies become typed
 * store errors whose message is safe for the tenant; what the server said is logged here, once.
 */
export class ArcHttpClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: ArcHttpOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? fetch;
  }

  /** Sends the request and reads the reply with `read`, which may throw store errors of its own. */
  async send<T = ArcReply>(op: ArcOperation, request: ArcRequest, read: (reply: ArcReply) => T = (reply) => reply as T): Promise<T> {
    const headers: Record<string, string> = { 'x-arc-database': this.options.database };
    if (request.contentType) headers['content-type'] = request.contentType;
    if (request.authenticated && this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let reply: ArcReply;
    try {
      const response = await this.fetchFn(`${this.base}${request.path}`, {
        method: request.method,
        headers,
        body: request.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        // Arc never redirects. Following one would send the request wherever the server names,
        // a loopback or metadata address included, past the URL policy the binding was checked by.
        redirect: 'manual',
      });
      const text = await response.text();
      const location = response.status >= 300 && response.status <= 399 ? response.headers.get('location') : null;
      reply = { status: response.status, body: location ? `redirects to ${location}, which store requests do not follow` : text };
    } catch (err) {
      const detail = `Arc ${op} failed: ${describeTransportError(err, this.options.timeoutMs)}`;
      throw this.failed(op, new StoreUnavailableError(arcFailureMessage(`could not be reached for a ${op}`), { detail, cause: err }));
    }
    try {
      if (reply.status < 200 || reply.status > 299) throw classifyArcFailure(op, reply.status, arcErrorMessage(reply.body));
      return read(reply);
    } catch (error) {
      throw error instanceof StoreError ? this.failed(op, error) : error;
    }
  }

  /**
   * Logs a failure with what the server said and returns it. A server can echo the request back,
   * so the token is blanked out of `detail` first: it goes on to the log and to dead letters.
   */
  failed<E extends StoreError>(op: ArcOperation, error: E): E {
    const { token } = this.options;
    if (token && error.detail) error.detail = error.detail.split(token).join('[redacted]');
    this.options.log?.warn(
      { store: 'arc', host: hostOf(this.base), database: this.options.database, op, status: error.status, detail: error.detail ?? error.message },
      'store request failed',
    );
    return error;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid url)';
  }
}

/** Duck-typed: errors thrown by fetch come from another realm under jest, so `instanceof` fails. */
function describeTransportError(err: unknown, timeoutMs: number): string {
  const { name, message, cause } = (err ?? {}) as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return `no reply within ${timeoutMs} ms`;
  const detail = typeof cause?.message === 'string' ? `: ${cause.message}` : '';
  return `${typeof message === 'string' ? message : String(err)}${detail}`;
}
