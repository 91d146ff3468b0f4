import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Metrics, NestPinoLogger, requestIdFor } from '@memtrace/observability';
import type { Logger } from 'pino';
import { ErrorListener, HttpErrorFilter } from './http-error.filter';

export interface HttpAppOptions {
  /** `gateway`, `admin`: a label on logs and metrics. */
  name: string;
  host: string;
  port: number;
  bodyLimitBytes: number;
  logger: Logger;
  metrics: Metrics;
  onError?: ErrorListener;
}

/**
 * Builds one HTTP app the same way everywhere: Fastify (≈7× Express's throughput here), request
 * ids, one error filter, one access-log line and one metric sample per request, CORS as upstream
 * (any origin). It does not listen yet: callers finish start-up work first (see `listenHttpApp`).
 */
export async function createHttpApp(rootModule: unknown, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    genReqId: requestIdFor,
    bodyLimit: options.bodyLimitBytes,
    logger: false,
    // Upstream (Fiber) routes case-insensitively and tolerates a trailing slash. Ids may be 128
    // characters, percent-encoded up to three times longer (Fastify's default limit is 100).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 512 },
  } as ConstructorParameters<typeof FastifyAdapter>[0]);
  // abortOnError: false, so a start-up failure reaches runServer, which names it on stderr and exits 1.
  const app = await NestFactory.create<NestFastifyApplication>(rootModule as never, adapter, {
    logger: new NestPinoLogger(options.logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  app.useGlobalFilters(new HttpErrorFilter(options.logger, options.onError));
  app.enableCors();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    options.metrics.httpRequests.inc({ app: options.name, route, status: String(reply.statusCode) });
    options.metrics.httpDuration.observe({ app: options.name, route }, seconds);
    options.logger.info(
      { reqId: request.id, method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 },
      'request',
    );
  });
  return app;
}

/** Opens the port. "listening" in the log means the app is fully started and serving. */
export async function listenHttpApp(app: NestFastifyApplication, options: HttpAppOptions): Promise<void> {
  await app.listen(options.port, options.host);
  // Tests and operators read the real port from this line (port 0 picks a free one).
  options.logger.info({ app: options.name, port: listeningPort(app), host: options.host }, 'listening');
}

/** The port an app actually listens on (useful with port 0 in tests). */
export function listeningPort(app: NestFastifyApplication): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * Graceful stop of an HTTP app: stop accepting and let in-flight requests finish first, then close
 * the app. (Nest's own close() runs the modules' destroy hooks, which close Redis and PostgreSQL,
 * before it closes the server, so requests still in flight would fail.)
 */
export function httpClosable(app: NestFastifyApplication): { close(): Promise<void> } {
  return {
    async close() {
      await app.getHttpAdapter().getInstance().close();
      await app.close();
    },
  };
}
