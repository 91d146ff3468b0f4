import { Inject, Injectable } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpClient, createMemtraceMcpServer } from '@memtrace/mcp';
import { LOGGER } from '@memtrace/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { GatewayLoopbackService } from './gateway-loopback.service';

/**
 * MCP over streamable HTTP, stateless: every POST gets its own server and transport, which live as
 * long as that one request, so any gateway replica can answer any call.
 *
 * The tools reach Memtrace through the SDK, pointed at this gateway's own loopback address with
 * the caller's API key, rather than calling the services in-process. It costs one loopback HTTP
 * hop per tool call, and buys a guarantee that needs no upkeep: a tool call gets exactly what the
 * same call over REST gets (authentication, per-route scopes, e.g. a read-only key's remember is
 * a 403, validation, limits and error bodies) and the tools are the very code `memtrace-mcp` runs
 * over stdio. This route's own guard (read scope) only decides who may speak MCP at all.
 */
@Injectable()
export class McpHttpService {
  constructor(
    private readonly loopback: GatewayLoopbackService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async serve(request: FastifyRequest, reply: FastifyReply, apiKey: string): Promise<void> {
    // No retries on the loopback hop: a 429 or 503 goes straight back to the MCP client, which
    // decides, instead of holding this request open through the SDK's backoff.
    const server = createMemtraceMcpServer(createMcpClient(this.loopback.baseUrl(), apiKey, { maxRetries: 0 }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // From here the transport writes the raw response; Fastify must not send one of its own. The
    // headers already set on the reply (CORS) and the request id would be lost with it: copy them.
    reply.hijack();
    const raw = reply.raw;
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) raw.setHeader(name, value);
    raw.setHeader('x-request-id', request.id);
    raw.once('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request.raw, raw, request.body);
    } catch (error) {
      this.logger.error({ reqId: request.id, err: error }, 'MCP request failed');
      if (raw.headersSent) return void raw.end();
      raw.writeHead(500, { 'content-type': 'application/json' });
      raw.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: `internal error (request id ${request.id})` }, id: null }));
    }
  }
}
