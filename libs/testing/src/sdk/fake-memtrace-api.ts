import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMemtraceMcpServer } from '@memtrace/mcp';
import { Memtrace } from '@memtrace/sdk';

export interface SentRequest {
  method: string;
  /** Path and query string. */
  path: string;
  /** As JSON; `any` so that specs read what the client sent without casts. */
  body: any;
}

export type FakeAnswer = (request: SentRequest) => { status: number; body: unknown };

/** 201 with the body the client sent (or an empty list for a request without one). */
const echo: FakeAnswer = ({ body }) => ({ status: 201, body: body ?? { memories: [], results: [], count: 0, has_more: false } });

/** Answers from a table keyed by `"<METHOD> <pathname>"`; 404 for anything else. */
export function answerFrom(routes: Record<string, (body: SentRequest['body']) => { status: number; body: unknown }>): FakeAnswer {
  return ({ method, path, body }) => routes[`${method} ${new URL(path, 'http://x').pathname}`]?.(body) ?? { status: 404, body: { error: 'no such route' } };
}

/**
 * An SDK client whose requests never leave the process: each is recorded in `sent` and answered by
 * `answer`, for specs of what the SDK's tools and the MCP server send to the REST API.
 */
export function fakeMemtraceApi(answer: FakeAnswer = echo): { sent: SentRequest[]; client: Memtrace } {
  const sent: SentRequest[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const request = { method: init?.method ?? 'GET', path: url.pathname + url.search, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    sent.push(request);
    const reply = answer(request);
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(text, { status: reply.status, headers: { 'content-type': 'application/json' } });
  };
  return { sent, client: new Memtrace('http://memtrace.test', 'mtk_test', { fetch, maxRetries: 0 }) };
}

/** An MCP client connected in-process to the Memtrace MCP server over `memtrace`. */
export async function connectedMcpClient(memtrace: Memtrace): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMemtraceMcpServer(memtrace).connect(serverSide);
  const client = new Client({ name: 'spec', version: '1' });
  await client.connect(clientSide);
  return client;
}
