import { Module } from '@nestjs/common';
import { GatewayLoopbackService } from './gateway-loopback.service';
import { McpController } from './mcp.controller';
import { McpHttpService } from './mcp-http.service';

/** MCP over streamable HTTP at `/mcp` (the same tools as the `memtrace-mcp` stdio binary). */
@Module({
  controllers: [McpController],
  providers: [McpHttpService, GatewayLoopbackService],
})
export class McpModule {}
