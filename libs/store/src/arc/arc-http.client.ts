import { Agent, request as undiciRequest } from 'undici';
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
  /** Injectable for tests; defaults to `undiciTransport`. */
  transport?: ArcTransport;
  log?: StoreLog;
}

/** What a transport sends: `url` is absolute; the reply body is read whole. */
export interface ArcTransportRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs: number;
}

export interface ArcTransportReply {
  status: number;
  /** The `location` header of a 3xx reply, which is never followed. */
  location?: string;
  body: string;
}

export type ArcTransport = (url: string, request: ArcTransportRequest) => Promise<ArcTransportReply>;

/**
 * One keep-alive pool per Arc origin, shared by every org's store in the process (an org bound to
 * the same Arc as another reuses its connections).
 */
const pools = new Agent({ keepAliveTimeout: 4_000 });

/**
 * undici's `request`, not `fetch`: a request costs the worker about a third of the CPU (no web
 * streams, no `Response`), which at thousands of orgs, each batch a write and a confirmation, is
 * most of what a stored memory costs. undici never follows redirects on its own.
 */
export const undiciTransport: ArcTransport = async (url, { method, headers, body, timeoutMs }) => {
  const response = await undiciRequest(url, { method, headers, body, dispatcher: pools, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.body.text();
  const location = response.headers.location;
  return { status: response.statusCode, location: typeof location === 'string' ? location : undefined, body: text };
};

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
  private readonly transport: ArcTransport;

  constructor(private readonly options: ArcHttpOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.transport = options.transport ?? undiciTransport;
  }

  /** Sends the request and reads the reply with `read`, which may throw store errors of its own. */
  async send<T = ArcReply>(op: ArcOperation, request: ArcRequest, read: (reply: ArcReply) => T = (reply) => reply as T): Promise<T> {
    const headers: Record<string, string> = { 'x-arc-database': this.options.database };
    if (request.contentType) headers['content-type'] = request.contentType;
    if (request.authenticated && this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let reply: ArcReply;
    try {
      const response = await this.transport(`${this.base}${request.path}`, { method: request.method, headers, body: request.body, timeoutMs: this.options.timeoutMs });
      // Arc never redirects. Following one would send the request wherever the server names,
      // a loopback or metadata address included, past the URL policy the binding was checked by.
      const location = response.status >= 300 && response.status <= 399 ? response.location : undefined;
      reply = { status: response.status, body: location ? `redirects to ${location}, which store requests do not follow` : response.body };
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

/** Duck-typed: transport errors may come from another realm under jest, so `instanceof` fails. */
function describeTransportError(err: unknown, timeoutMs: number): string {
  const { name, message, cause } = (err ?? {}) as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return `no reply within ${timeoutMs} ms`;
  const detail = typeof cause?.message === 'string' ? `: ${cause.message}` : '';
  return `${typeof message === 'string' ? message : String(err)}${detail}`;
}
