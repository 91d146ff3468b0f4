import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Metrics, NestPinoLogger, requestIdFor, tracingEnabled } from '@memtrace/observability';
import type { Logger } from 'pino';
import { ErrorListener, HttpErrorFilter, sendFrameworkError } from './http-error.filter';
import { traceHttpRequests } from './http-tracing';
import { checkRequestText } from './request-input.util';

export interface ConnectionLimits {
  /** The whole request, body included, must arrive within this (a trickled body gets 408). */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Open connections per process; past it new ones are closed at once. */
  maxConnections: number;
}

export interface HttpAppOptions {
  /** `gateway`, `admin`: a label on logs and metrics. */
  name: string;
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** Timeouts and the connection cap (MEMTRACE_HTTP_*). */
  connections: ConnectionLimits;
  logger: Logger;
  metrics: Metrics;
  onError?: ErrorListener;
}

/**
 * Builds one HTTP app the same way everywhere: Fastify (≈7× Express's throughput here), request
 * ids, one error filter, one access-log line and one metric sample per request, CORS as upstream
 * (any origin), and no NUL or lone surrogate in a path or query value (see `checkRequestText`).
 * It does not listen yet: callers finish start-up work first (see `listenHttpApp`).
 */
export async function createHttpApp(rootModule: unknown, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    genReqId: requestIdFor,
    bodyLimit: options.bodyLimitBytes,
    requestTimeout: options.connections.requestTimeoutMs,
    keepAliveTimeout: options.connections.keepAliveTimeoutMs,
    // Node enforces the request and header timeouts when it checks its connections, every 30 s by
    // default: a trickling client would get up to 30 s more than the timeout says.
    http: { connectionsCheckingInterval: 1_000 },
    logger: false,
    // Upstream (Fiber) routes case-insensitively and tolerates a trailing slash. Ids may be 128
    // characters, percent-encoded up to three times longer (Fastify's default limit is 100).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 512 },
    // The router refuses a malformed URL (400) or an over-long parameter (414) before any hook or
    // filter runs; answer those in the same body shape as every other error.
    frameworkErrors: sendFrameworkError,
  } as ConstructorParameters<typeof FastifyAdapter>[0]);
  // abortOnError: false, so a start-up failure reaches runServer, which names it on stderr and exits 1.
  const app = await NestFactory.create<NestFastifyApplication>(rootModule as never, adapter, {
    logger: new NestPinoLogger(options.logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  const server = app.getHttpServer();
  server.headersTimeout = Math.min(options.connections.headersTimeoutMs, options.connections.requestTimeoutMs);
  server.maxConnections = options.connections.maxConnections;
  app.useGlobalFilters(new HttpErrorFilter(options.logger, options.onError));
  app.enableCors();
  const fastify = app.getHttpAdapter().getInstance();
  if (tracingEnabled()) traceHttpRequests(fastify);
  // After CORS (an onRequest hook) so that browsers can read the 400; before guards and handlers.
  fastify.addHook('preValidation', async (request) => checkRequestText(request.params, request.query));
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    const labels = { app: options.name, method: request.method, route, status: String(reply.statusCode) };
    options.metrics.httpRequests.inc(labels);
    options.metrics.httpDuration.observe(labels, seconds);
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
