// The plain request/response pair the data-port handlers work on, so they stay free of
// node:http details and can be unit-tested without a socket.
import type { IncomingHttpHeaders } from 'node:http';

export interface DataRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface DataResponse {
  status: number;
  /** JSON text; absent for bodiless replies such as 204. */
  body?: string;
}

export function jsonResponse(status: number, body: unknown): DataResponse {
  return { status, body: JSON.stringify(body) };
}

/** Arc's `{"error": "..."}` body, used by the write and routing errors. */
export function errorResponse(status: number, message: string): DataResponse {
  return jsonResponse(status, { error: message });
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
