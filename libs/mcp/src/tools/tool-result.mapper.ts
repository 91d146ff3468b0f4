import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { MemtraceError, type MemoryToolResult } from '@memtrace/sdk';

/**
 * How tool outcomes reach the model, as upstream's MCP server shaped them: results as indented JSON
 * text (markdown as is), errors as tool errors (`isError: true`) whose text carries the HTTP status
 * and the server's `error` message, e.g. `HTTP 404: agent not found`.
 */

export function jsonResult(value: unknown): CallToolResult {
  return textResult(JSON.stringify(value ?? null, null, 2));
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

export function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/**
 * The text of a failed call. The SDK reports "no HTTP response at all" as status 0 with its
 * transport's `Request failed: …` / `Request timed out …` message; any other status-0 error is a
 * value the SDK refused before sending, which reads best as is.
 */
export function errorText(status: number | undefined, message: string, hint?: string): string {
  const withHint = hint ? `${message} (hint: ${hint})` : message;
  if (status) return `HTTP ${status}: ${withHint}`;
  if (/^Request (failed|timed out)/.test(message)) return `network error: could not reach the Memtrace server: ${message}`;
  return withHint;
}

/** Runs one SDK call and maps its outcome; `render` turns the response into the tool's result. */
export async function callTool<T>(call: () => Promise<T>, render: (value: T) => CallToolResult = jsonResult): Promise<CallToolResult> {
  let value: T;
  try {
    value = await call();
  } catch (error) {
    if (error instanceof MemtraceError) return errorResult(errorText(error.statusCode, error.message, error.hint));
    return errorResult(error instanceof Error ? error.message : String(error));
  }
  return render(value);
}

/**
 * `runMemoryTool` (the SDK's shared tool runner) answers compact JSON, and `{"error", "status",
 * "hint"}` on failure; this re-renders both in the MCP shape.
 */
export function fromMemoryToolResult(result: MemoryToolResult): CallToolResult {
  const body = JSON.parse(result.content) as unknown;
  if (!result.isError) return jsonResult(body);
  const { error, status, hint } = body as { error?: unknown; status?: unknown; hint?: unknown };
  return errorResult(errorText(typeof status === 'number' ? status : undefined, String(error), typeof hint === 'string' ? hint : undefined));
}
