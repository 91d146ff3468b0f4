import { createServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metrics } from '@memtrace/observability';
import type { Logger } from 'pino';

export interface MetricsServerOptions {
  host: string;
  port: number;
  metrics: Metrics;
  logger: Logger;
}

/**
 * The Prometheus scrape endpoint, on a port of its own (MEMTRACE_METRICS_HOST, loopback by
 * default) instead of the public API port: its series carry org ids, which a public endpoint must
 * not list (design §7). Plain `node:http`: it must keep answering while the app it reports on is
 * busy or shutting down.
 */
export interface MetricsServer {
  /** What `GET /ready` here answers: true once the process serves, false again while it stops. */
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const startedAt = Date.now();
  let ready = false;
  const json = (response: ServerResponse, status: number, body: unknown) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    // Probes for every process, also those without an HTTP port of their own (the query service).
    if (request.method === 'GET' && path === '/health') return json(response, 200, { status: 'ok', uptime_sec: Math.round((Date.now() - startedAt) / 1000) });
    if (request.method === 'GET' && path === '/ready') return ready ? json(response, 200, { status: 'ready' }) : json(response, 503, { status: 'not ready', reason: 'starting or stopping' });
    if (request.method !== 'GET' || path !== '/metrics') {
      return json(response, 404, { error: 'not found', hint: 'the routes here are GET /metrics, /health and /ready' });
    }
    options.metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text),
      (error: Error) => {
        options.logger.error({ err: error }, 'metrics scrape failed');
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"metrics unavailable"}');
      },
    );
  });
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info({ app: 'metrics', port, host: options.host }, 'listening');
  return {
    setReady: (value) => (ready = value),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
