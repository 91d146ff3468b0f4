// The data port: Arc's routes, its auth order (global 401 before per-route 403, even for
// unknown paths), Fiber's 404/405 replies, and the fault switches (delay, injected 500s).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RouteAccess, TokenGuard } from '../auth/token.guard';
import { DeleteHandler } from '../delete/delete.handler';
import { FaultSwitches } from '../fault.switches';
import { formatRfc3339 } from '../go-value.formatter';
import { MsgpackWriteHandler, payloadTooLarge } from '../ingest/msgpack-write.handler';
import { errorEnvelope } from '../query/query-envelope.encoder';
import { QueryHandler } from '../query/query.handler';
import { IngestBuffer } from '../storage/ingest.buffer';
import { CountedRoute, TrafficStats } from '../traffic.stats';
import { DataRequest, DataResponse, errorResponse, jsonResponse } from './data-exchange.types';
import { readRequestBody } from './request-body.reader';

interface Route {
  method: string;
  path: string;
  access: RouteAccess;
  counted: CountedRoute | null;
  handle(request: DataRequest): Promise<DataResponse> | DataResponse;
}

export interface DataRouterDeps {
  guard: TokenGuard;
  faults: FaultSwitches;
  stats: TrafficStats;
  buffer: IngestBuffer;
  write: MsgpackWriteHandler;
  query: QueryHandler;
  delete: DeleteHandler;
  maxPayloadBytes: number;
}

// Routes Arc's auth middleware lets through without a token, even when nothing matches them.
const PUBLIC_PREFIXES = ['/health', '/ready', '/metrics', '/api/v1/metrics', '/api/v1/auth/verify'];

export class DataRouter {
  private readonly startedAt = Date.now();
  private readonly routes: Route[];

  constructor(private readonly deps: DataRouterDeps) {
    this.routes = [
      { method: 'GET', path: '/health', access: 'public', counted: null, handle: () => this.health() },
      { method: 'GET', path: '/ready', access: 'public', counted: null, handle: () => this.ready() },
      { method: 'GET', path: '/api/v1/auth/verify', access: 'public', counted: null, handle: (r) => deps.guard.verify(r) },
      { method: 'POST', path: '/api/v1/write/msgpack', access: 'write', counted: 'writes', handle: (r) => deps.write.handle(r) },
      { method: 'POST', path: '/api/v1/query', access: 'read', counted: 'queries', handle: (r) => deps.query.handle(r) },
      { method: 'POST', path: '/api/v1/delete', access: 'admin', counted: 'deletes', handle: (r) => deps.delete.handle(r) },
      { method: 'GET', path: '/api/v1/delete/config', access: 'admin', counted: null, handle: () => deps.delete.config() },
      {
        method: 'POST',
        path: '/api/v1/write/line-protocol/flush',
        access: 'admin',
        counted: null,
        handle: () => this.flush(),
      },
    ];
  }

  async serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://arc-double');
    const body = await readRequestBody(incoming, this.deps.maxPayloadBytes);
    const { slowMs } = this.deps.faults.faults;
    if (slowMs > 0) await delayUnlessClosed(slowMs, outgoing);
    const request: DataRequest = {
      method: (incoming.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      body: body.kind === 'ok' ? body.body : Buffer.alloc(0),
    };
    const { route, response, injected } = await this.dispatch(request, body.kind === 'too-large');
    this.deps.stats.recordResponse(route?.counted ?? null, response.status, injected);
    if (outgoing.destroyed) return;
    if (response.body === undefined) outgoing.writeHead(response.status).end();
    else outgoing.writeHead(response.status, { 'Content-Type': 'application/json' }).end(response.body);
  }

  private async dispatch(request: DataRequest, tooLarge: boolean) {
    // Fiber routes are case-insensitive and ignore a trailing slash.
    const normalised = request.path.replace(/(.)\/+$/, '$1').toLowerCase();
    const samePath = this.routes.filter((candidate) => candidate.path === normalised);
    const route = samePath.find((candidate) => candidate.method === request.method);
    const isPublic = PUBLIC_PREFIXES.some((prefix) => normalised.startsWith(prefix));
    const denied = this.deps.guard.check(request, route?.access ?? (isPublic ? 'public' : 'authenticated'));
    if (denied) return { route, response: denied, injected: false };
    if (!route) {
      const response =
        samePath.length > 0
          ? errorResponse(405, 'Method Not Allowed')
          : errorResponse(404, `Cannot ${request.method} ${request.path}`);
      return { route, response, injected: false };
    }
    if (tooLarge) return { route, response: payloadTooLarge(this.deps.maxPayloadBytes), injected: false };
    const injected = this.injectFailure(route);
    if (injected) return { route, response: injected, injected: true };
    try {
      return { route, response: await route.handle(request), injected: false };
    } catch (error) {
      return { route, response: errorResponse(500, (error as Error).message), injected: false };
    }
  }

  private injectFailure(route: Route): DataResponse | null {
    if (route.counted === 'writes' && this.deps.faults.failThisWrite()) {
      return errorResponse(500, 'Failed to write records: injected fault (arc-double failWritesRatio)');
    }
    if (route.counted === 'queries' && this.deps.faults.failThisQuery()) {
      const timestamp = formatRfc3339(new Date());
      return { status: 500, body: errorEnvelope('injected fault (arc-double failQueriesRatio)', 0, timestamp) };
    }
    return null;
  }

  private async flush(): Promise<DataResponse> {
    await this.deps.buffer.flushAll();
    return jsonResponse(200, { message: 'All buffers flushed', status: 'success' });
  }

  private health(): DataResponse {
    const uptimeMs = Date.now() - this.startedAt;
    return jsonResponse(200, {
      status: 'ok',
      time: formatRfc3339(new Date()),
      uptime: goDuration(uptimeMs),
      uptime_sec: uptimeMs / 1000,
    });
  }

  private ready(): DataResponse {
    return jsonResponse(200, { status: 'ready', time: formatRfc3339(new Date()), uptime_sec: (Date.now() - this.startedAt) / 1000 });
  }
}

/** Waits `ms`, ending early if the client goes away so no timer outlives a stopped double. */
function delayUnlessClosed(ms: number, outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      outgoing.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    outgoing.once('close', done);
  });
}

/** Go's time.Duration.String() for a millisecond count, e.g. "1h2m3.5s" or "450ms". */
function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = String((ms % 60_000) / 1000);
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}
