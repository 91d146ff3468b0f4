import type { AppProcess } from './app-process';

export interface HttpResult {
  status: number;
  /** Parsed JSON; the text itself when the body is not JSON; undefined when it is empty. */
  body: any;
  text: string;
  contentType: string | null;
}

export interface RequestOptions {
  /** Sent as `x-api-key`, or as `Authorization: Bearer` when `auth` is 'bearer'. */
  key?: string;
  auth?: 'x-api-key' | 'bearer';
  /** Sent as JSON unless `raw` is given. */
  json?: unknown;
  /** Sent verbatim with `content-type: application/json` (for malformed bodies). */
  raw?: string;
  headers?: Record<string, string>;
  /** Every response body is appended here, so a suite can prove that no secret ever left the server. */
  transcript?: string[];
}

/** One HTTP request as a client makes it, to an app process (its first app) or a base URL. */
export async function httpRequest(target: AppProcess | string, method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) {
    if (options.auth === 'bearer') headers.authorization = `Bearer ${options.key}`;
    else headers['x-api-key'] = options.key;
  }
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.json !== undefined) body = JSON.stringify(options.json);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const baseUrl = typeof target === 'string' ? target : target.url();
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  options.transcript?.push(text);
  // A body that is not JSON stays text, so a test expecting JSON fails on it (it never reads as empty).
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, text, contentType: response.headers.get('content-type') };
}
