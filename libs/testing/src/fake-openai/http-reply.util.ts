// Small response writers shared by the model and control routes.
import type { ServerResponse } from 'node:http';

export function sendJson(outgoing: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  outgoing.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** OpenAI's error envelope, which the openai client turns into an APIError of the same status. */
export function sendOpenAIError(
  outgoing: ServerResponse,
  status: number,
  message: string,
  type = status >= 500 ? 'server_error' : 'invalid_request_error',
  code: string | null = null,
): void {
  sendJson(outgoing, status, { error: { message, type, param: null, code } });
}

/** Server-sent events, written in one go: the fake has nothing to wait for between them. */
export function sendEvents(outgoing: ServerResponse, frames: readonly string[], headers: Record<string, string>): void {
  outgoing.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', ...headers });
  for (const frame of frames) outgoing.write(frame);
  outgoing.end();
}
