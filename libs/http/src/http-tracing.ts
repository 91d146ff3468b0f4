import { Context, context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { memtraceTracer } from '@memtrace/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Probes every few seconds per pod: spans of them would only bury the requests. */
const UNTRACED_ROUTES = new Set(['/health', '/ready']);

/** The request's server span and the context it is active in. */
const TRACE = Symbol('memtrace.trace');
type TracedRequest = FastifyRequest & { [TRACE]?: { span: Span; context: Context } };

/**
 * One SERVER span per request (HTTP semantic conventions): named `<METHOD> <route template>`
 * (`POST /api/v1/memories`), parented on the caller's `traceparent` header if it sent one, active
 * while the handler runs, ended with the response status (an error only for 5xx). Registered only
 * while tracing is on (see `createHttpApp`).
 *
 * The span starts at `onRequest`; it is made active again at `preHandler`, because the body is read
 * from socket events, whose callbacks run outside the context the request hook set.
 */
export function traceHttpRequests(fastify: FastifyInstance): void {
  const tracer = memtraceTracer();
  fastify.addHook('onRequest', (request: TracedRequest, _reply, done) => {
    const route = request.routeOptions.url;
    if (route && UNTRACED_ROUTES.has(route)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const path = request.url.split('?', 1)[0];
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          ...(route ? { 'http.route': route } : {}),
          'url.path': path,
          'url.scheme': request.protocol,
          'network.protocol.version': request.raw.httpVersion,
          'client.address': request.ip,
          'user_agent.original': request.headers['user-agent'],
          'memtrace.request.id': request.id,
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    request[TRACE] = { span, context: active };
    context.with(active, done);
  });
  fastify.addHook('preHandler', (request: TracedRequest, _reply, done) => {
    const traced = request[TRACE];
    if (!traced) return done();
    context.with(traced.context, done);
  });
  fastify.addHook('onResponse', (request: TracedRequest, reply, done) => {
    const traced = request[TRACE];
    if (traced) {
      request[TRACE] = undefined;
      traced.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) {
        traced.span.setAttribute('error.type', String(reply.statusCode));
        traced.span.setStatus({ code: SpanStatusCode.ERROR });
      }
      traced.span.end();
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request: TracedRequest, done) => {
    const traced = request[TRACE];
    if (traced) {
      request[TRACE] = undefined;
      traced.span.setAttribute('error.type', 'aborted');
      traced.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection' });
      traced.span.end();
    }
    done();
  });
}
