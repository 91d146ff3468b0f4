import { Controller, Delete, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { apiKeyFromHeaders, RequireScope } from '@memtrace/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { McpHttpService } from './mcp-http.service';

/** What the MCP SDK's stateless servers answer to GET and DELETE: there is no session to stream or end. */
const METHOD_NOT_ALLOWED = { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null };

/**
 * `/mcp`: the MCP tools over streamable HTTP, for clients configured with a URL and an `x-api-key`
 * (or `Authorization: Bearer`) header. A caller without a valid key gets the usual 401.
 */
@Controller('mcp')
@RequireScope('read')
export class McpController {
  constructor(private readonly mcp: McpHttpService) {}

  @Post()
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // The guard has verified this key; the tools call the REST API with it.
    await this.mcp.serve(request, reply, apiKeyFromHeaders(request.headers)!);
  }

  @Get()
  @HttpCode(405)
  @Header('allow', 'POST')
  getStream() {
    return METHOD_NOT_ALLOWED;
  }

  @Delete()
  @HttpCode(405)
  @Header('allow', 'POST')
  endSession() {
    return METHOD_NOT_ALLOWED;
  }
}
