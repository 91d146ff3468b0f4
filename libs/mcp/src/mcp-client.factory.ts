import { Memtrace } from '@memtrace/sdk';

export interface McpClientOptions {
  /** Extra attempts of idempotent calls (SDK default 2). */
  maxRetries?: number;
  /** Per attempt, in milliseconds (SDK default 30,000). */
  timeout?: number;
}

/**
 * The SDK client the MCP tools call. Its fetch names the cause of a network failure (undici's
 * `fetch failed` alone says nothing), so the model reads e.g. `network error: could not reach the
 * Memtrace server: Request failed: fetch failed (ECONNREFUSED)`.
 */
export function createMcpClient(baseUrl: string, apiKey: string, options: McpClientOptions = {}): Memtrace {
  return new Memtrace(baseUrl, apiKey, { ...options, fetch: fetchNamingCauses });
}

const fetchNamingCauses: typeof fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (error) {
    // Duck-typed, not `instanceof Error`: fetch's errors may come from another realm (jest's VM).
    const failure = error as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
    // Timeouts and aborts keep their identity: the SDK recognises them by name.
    if (typeof failure?.message !== 'string' || failure.name === 'TimeoutError' || failure.name === 'AbortError') throw error;
    const cause = failure.cause;
    const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
    throw detail ? new Error(`${failure.message} (${detail})`, { cause }) : error;
  }
};
