// `memtrace-mcp`: Memtrace's tools for an MCP client, over stdio. stdout carries the protocol, so
// everything this process says for humans goes to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpClient, createMemtraceMcpServer } from '@memtrace/mcp';
import { loadMcpConfig, McpConfig, McpConfigError } from './config/mcp.config';

function say(line: string): void {
  process.stderr.write(`memtrace-mcp: ${line}\n`);
}

async function main(): Promise<void> {
  let config: McpConfig;
  try {
    config = loadMcpConfig();
  } catch (error) {
    say(error instanceof McpConfigError ? error.message : String(error));
    process.exit(1);
  }
  const server = createMemtraceMcpServer(createMcpClient(config.url, config.apiKey));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().finally(() => process.exit(0));
  };
  // The client ends the session by closing our stdin (then signals, if we linger).
  process.stdin.once('end', stop);
  process.stdin.once('close', stop);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await server.connect(new StdioServerTransport());
  say(`serving Memtrace at ${config.url} over stdio`);
}

main().catch((error: unknown) => {
  say(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
