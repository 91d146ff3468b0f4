import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseJsonBody } from '@memtrace/http';
import { IMPORT_MAX_BYTES } from '../memories/import-lines.parser';

/** `POST /api/v1/sessions/:id/context` and `POST /api/v1/agents/:id/context`, with or without query string. */
const CONTEXT_ROUTE = /^\/api\/v1\/(sessions|agents)\/[^/?]+\/context\/?(\?|$)/i;

/** `POST /api/v1/import` takes NDJSON, checked line by line by its handler. */
const IMPORT_ROUTE = /^\/api\/v1\/import\/?(\?|$)/i;

/** MCP's JSON-RPC envelope is relayed, not stored: its tool arguments reach the REST routes, which check them. */
const MCP_ROUTE = /^\/mcp\/?(\?|$)/i;

/**
 * Request bodies: JSON only, parsed and checked in one place (`parseJsonBody`: nesting depth,
 * NUL and lone surrogates, `__proto__`) before any handler sees them.
 *
 * NDJSON only on the import route. Any other content type is 415: Nest adds a form parser and Fastify a text one, and a form body
 * was stored as if it were JSON. An empty body is "no body" on the context routes, where SDKs send
 * `Content-Type: application/json` with nothing after it (upstream used the defaults), and on
 * DELETE, where the Python SDK's `delete_agent` does the same; everywhere else it is a 400.
 * Malformed JSON is a 400 everywhere, context routes included.
 */
export function upstreamJsonBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && (request.method === 'DELETE' || CONTEXT_ROUTE.test(request.url))) return done(null, undefined);
    try {
      done(null, parseJsonBody(body as string, { checkText: !MCP_ROUTE.test(request.url) }));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser(['application/x-ndjson', 'application/jsonl'], { parseAs: 'string', bodyLimit: IMPORT_MAX_BYTES }, (request, body, done) => {
    if (!IMPORT_ROUTE.test(request.url)) return done(Object.assign(new Error(`Unsupported Media Type: ${request.headers['content-type']}`), { statusCode: 415 }), undefined);
    done(null, body);
  });
}
