import { createServer } from 'node:http';
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
 * not list (design §7). Plain `node:http`: it serves one route and must keep answering while the
 * app it reports on is busy or shutting down.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<{ close(): Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found","hint":"the only route here is GET /metrics"}');
      return;
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
