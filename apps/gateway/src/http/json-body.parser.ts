import { NestFastifyApplication } from '@nestjs/platform-fastify';

/** `POST /api/v1/sessions/:id/context` and `POST /api/v1/agents/:id/context`, with or without query string. */
const CONTEXT_ROUTE = /^\/api\/v1\/(sessions|agents)\/[^/?]+\/context\/?(\?|$)/i;

/**
 * JSON bodies as upstream read them. Upstream used the defaults whenever the context body failed to parse (empty, or not JSON), and
 * SDKs rely on it: some send `Content-Type: application/json` with no body. Only on the context
 * routes, then, an empty or unparsable JSON body reaches the handler as "no body"; every other
 * route keeps Fastify's strict parser (400 on a broken body), except that an empty DELETE body is
 * no body: the Python SDK's `delete_agent` sends its default `Content-Type: application/json` with
 * nothing after it, which upstream ignored and Fastify would answer with 400.
 */
export function upstreamJsonBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const strict = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && request.method === 'DELETE') return done(null, undefined);
    if (!CONTEXT_ROUTE.test(request.url)) return strict(request, body as string, done);
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(null, undefined);
    }
  });
}
