// The stdio MCP server's settings, read from the environment its MCP client (Claude Code, Cursor,
// Claude Desktop…) gives it, and validated once. The only place this app reads process.env.
import { z } from 'zod';

export const DEFAULT_MEMTRACE_URL = 'http://localhost:9100';

export interface McpConfig {
  /** The Memtrace gateway, e.g. http://localhost:9100. */
  url: string;
  apiKey: string;
}

export class McpConfigError extends Error {}

const KEY_HELP = 'a Memtrace API key (mtk_…, e.g. from `memtrace key create`), in the "env" of this server\'s entry in your MCP client\'s config';

const schema = z.object({
  MEMTRACE_URL: z
    .url({ protocol: /^https?$/, error: `MEMTRACE_URL must be an http(s) URL such as ${DEFAULT_MEMTRACE_URL} (the Memtrace server)` })
    .default(DEFAULT_MEMTRACE_URL),
  MEMTRACE_API_KEY: z.string({ error: `MEMTRACE_API_KEY is not set: set it to ${KEY_HELP}` }).trim().min(1, `MEMTRACE_API_KEY is empty: set it to ${KEY_HELP}`),
});

export function loadMcpConfig(env: NodeJS.ProcessEnv = process.env): McpConfig {
  const parsed = schema.safeParse({ MEMTRACE_URL: env.MEMTRACE_URL || undefined, MEMTRACE_API_KEY: env.MEMTRACE_API_KEY });
  if (!parsed.success) throw new McpConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return { url: parsed.data.MEMTRACE_URL, apiKey: parsed.data.MEMTRACE_API_KEY };
}
