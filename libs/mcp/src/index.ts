export { createMemtraceMcpServer, MCP_INSTRUCTIONS, MCP_SERVER_NAME, MCP_SERVER_TITLE, MCP_TOOL_NAMES } from './memtrace-mcp.server';
export type { MemtraceMcpServerOptions } from './memtrace-mcp.server';
export { createMcpClient } from './mcp-client.factory';
export type { McpClientOptions } from './mcp-client.factory';
