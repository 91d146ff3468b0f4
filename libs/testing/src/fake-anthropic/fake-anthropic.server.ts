// A local stand-in for the Anthropic Messages API (`POST /v1/messages`, JSON or server-sent events)
// whose "model" answers from a script, plus the control API under /_control. Used in-process by
// its own specs and by main.ts in a child process.
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { anthropicError } from './anthropic-error';
import { FakeAnthropicControl } from './control.client';
import { isControlRoute, serveControl } from './control.router';
import type { FakeAnthropicError, FakeAnthropicOptions } from './fake-anthropic.types';
import { buildMessage, defaultReply, streamEvents, undeclaredTool } from './message.builder';
import { validateMessagesRequest } from './messages-request.validator';
import { ReplyScript } from './reply.script';

/** The API's own cap on a Messages request. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface FakeAnthropicHandle {
  /** The base URL to give the Anthropic client (`baseURL`, `ANTHROPIC_BASE_URL`). */
  readonly url: string;
  readonly port: number;
  readonly control: FakeAnthropicControl;
  stop(): Promise<void>;
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicHandle> {
  const host = options.host ?? '127.0.0.1';
  const script = new ReplyScript();
  const server = createServer((request, response) => {
    handle(script, options, request, response).catch((error: unknown) => {
      // A bug of the fake itself: say so, rather than leave the client with a bare connection error.
      if (response.headersSent) return response.destroy();
      const body = { type: 'error', error: { type: 'api_error', message: `fake-anthropic failed: ${(error as Error).message}` }, request_id: null };
      response.writeHead(500, { 'content-type': 'application/json', 'x-should-retry': 'false' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    control: new FakeAnthropicControl(url),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

async function handle(script: ReplyScript, options: FakeAnthropicOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://fake').pathname;
  const route = `${request.method ?? 'GET'} ${path}`;
  const body = await readBody(request);
  if (isControlRoute(request)) return serveControl(script, route, body ?? '', response);

  const requestId = script.requestId();
  const fail = (error: FakeAnthropicError) => {
    const reply = anthropicError(error, requestId);
    response.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': requestId }).end(JSON.stringify(reply.body));
    return reply.status;
  };
  if (route !== 'POST /v1/messages') {
    fail({ status: 404, message: `Not found: ${route}` });
    return;
  }
  const parsed = parseJson(body);
  const status = answer({ script, options, request, response, requestId, fail }, body === null ? TOO_LARGE : parsed);
  script.record({ path, headers: headersOf(request), apiKey: apiKeyOf(request) ?? null, body: (parsed ?? null) as MessageCreateParams | null, status });
}

interface Exchange {
  script: ReplyScript;
  options: FakeAnthropicOptions;
  request: IncomingMessage;
  response: ServerResponse;
  requestId: string;
  /** Sends the error in Anthropic's envelope; returns its status. */
  fail(error: FakeAnthropicError): number;
}

const TOO_LARGE = Symbol('too large');

/** Answers one Messages request with the next scripted reply (or the default one); returns the status sent. */
function answer({ script, options, request, response, requestId, fail }: Exchange, parsed: unknown): number {
  const apiKey = apiKeyOf(request);
  if (!apiKey) return fail({ status: 401, message: 'x-api-key header is required' });
  if (options.apiKey !== undefined && apiKey !== options.apiKey) return fail({ status: 401, message: 'invalid x-api-key' });
  if (!header(request, 'anthropic-version')) return fail({ status: 400, message: 'anthropic-version: header is required' });
  if (parsed === TOO_LARGE) return fail({ status: 413 });
  if (parsed === undefined) return fail({ status: 400, message: 'There was an issue with the format or content of your request: the body is not JSON.' });
  const validated = validateMessagesRequest(parsed);
  if (!validated.ok) return fail({ status: 400, message: validated.message });

  const scripted = script.next();
  if (scripted && 'error' in scripted) return fail(scripted.error);
  const reply = scripted ?? defaultReply(validated.body);
  const undeclared = undeclaredTool(validated.body, reply);
  if (undeclared) return fail({ status: 400, message: `fake-anthropic: the scripted tool_use '${undeclared}' is not among the request's tools` });

  const message = buildMessage(validated.body, reply, script);
  if (!validated.body.stream) {
    response.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId }).end(JSON.stringify(message));
    return 200;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId });
  // The API sends a ping after message_start; the client must skip it.
  const [start, ...rest] = streamEvents(message);
  response.write(sse(start.type, start));
  response.write(sse('ping', { type: 'ping' }));
  for (const event of rest) response.write(sse(event.type, event));
  response.end();
  return 200;
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The body as text; null past the API's size cap (the rest is drained). */
function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : null));
    request.on('error', reject);
  });
}

function parseJson(text: string | null): unknown {
  if (text === null || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The key from `x-api-key`, or from `Authorization: Bearer …`, which is how @anthropic-ai/sdk 1.x
 * sends an `apiKey` (0.x sent `x-api-key`).
 */
function apiKeyOf(request: IncomingMessage): string | undefined {
  return header(request, 'x-api-key') ?? /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

function headersOf(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}
