import { StoreUnavailableError } from '../port/store.exception';
import { arcErrorMessage, classifyArcFailure, type ArcOperation } from './arc-failure.mapper';

export interface ArcHttpOptions {
  /** Base URL, e.g. `http://arc:8000`. */
  url: string;
  database: string;
  token?: string;
  /** Per-request limit, covering the reply body too. */
  timeoutMs: number;
  /** Injectable for tests; defaults to Node's global fetch (undici, keep-alive by default). */
  fetch?: typeof fetch;
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
 * `Authorization: Bearer`. Non-2xx replies and transport failures become typed store errors.
 */
export class ArcHttpClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: ArcHttpOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? fetch;
  }

  async send(op: ArcOperation, request: ArcRequest): Promise<ArcReply> {
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
      });
      reply = { status: response.status, body: await response.text() };
    } catch (err) {
      throw new StoreUnavailableError(`Arc ${op} failed: ${describeTransportError(err, this.options.timeoutMs)}`, { cause: err });
    }
    if (reply.status < 200 || reply.status > 299) {
      throw classifyArcFailure(op, reply.status, arcErrorMessage(reply.body));
    }
    return reply;
  }
}

/** Duck-typed: errors thrown by fetch come from another realm under jest, so `instanceof` fails. */
function describeTransportError(err: unknown, timeoutMs: number): string {
  const { name, message, cause } = (err ?? {}) as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return `no reply within ${timeoutMs} ms`;
  const detail = typeof cause?.message === 'string' ? `: ${cause.message}` : '';
  return `${typeof message === 'string' ? message : String(err)}${detail}`;
}
