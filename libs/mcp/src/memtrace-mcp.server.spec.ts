import { createServer } from 'node:net';
import { Memtrace } from '@memtrace/sdk';
import { createMcpClient } from './mcp-client.factory';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { answerFrom, connectedMcpClient as connected, fakeMemtraceApi } from '@memtrace/testing';
import { MCP_TOOL_NAMES } from './memtrace-mcp.server';

/** A fake Memtrace REST API: answers each request from `routes` and records what it was sent. */
const fakeApi = (routes: Parameters<typeof answerFrom>[0]) => fakeMemtraceApi(answerFrom(routes));


async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = await client.callTool({ name, arguments: args });
  return { text: (result.content as Array<{ text: string }>)[0].text, isError: result.isError === true };
}

describe('createMemtraceMcpServer', () => {
  it('lists every tool by name', async () => {
    const client = await connected(fakeApi({}).client);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual([...MCP_TOOL_NAMES]);
  });

  it("remember applies upstream's defaults and answers the stored memory as indented JSON", async () => {
    const api = fakeApi({ 'POST /api/v1/memories': (body) => ({ status: 201, body: { id: 'm1', ...body } }) });
    const client = await connected(api.client);
    const result = await call(client, 'memtrace_remember', { agent_id: 'bot', content: 'saw a cat' });
    expect(api.sent[0].body).toEqual({ agent_id: 'bot', content: 'saw a cat', memory_type: 'episodic', event_type: 'general' });
    expect(result).toEqual({ isError: false, text: JSON.stringify({ id: 'm1', ...api.sent[0].body }, null, 2) });
  });

  it('recall asks for the last 24h, newest first, 50 at most, unless told otherwise', async () => {
    const api = fakeApi({ 'GET /api/v1/memories': () => ({ status: 200, body: { memories: [], count: 0, has_more: false } }) });
    const client = await connected(api.client);
    await call(client, 'memtrace_recall', { agent_id: 'bot' });
    await call(client, 'memtrace_recall', { agent_id: 'bot', since: '2h', limit: 5, memory_type: 'decision' });
    expect(api.sent.map((request) => request.path)).toEqual([
      '/api/v1/memories?agent_id=bot&since=24h&limit=50&order=desc',
      '/api/v1/memories?agent_id=bot&memory_type=decision&since=2h&limit=5&order=desc',
    ]);
  });

  it('session_context answers the raw markdown; a session that does not exist and has no memories is a 404', async () => {
    let exists = true;
    let memoryCount = 0;
    const api = fakeApi({
      'GET /api/v1/sessions/sess_1': () => (exists ? { status: 200, body: { id: 'sess_1' } } : { status: 404, body: { error: 'session not found', code: 'not_found' } }),
      'POST /api/v1/sessions/sess_1/context': () => ({ status: 200, body: { session_id: 'sess_1', context: '## Session Context (sess_1)\n', memory_count: memoryCount } }),
    });
    const client = await connected(api.client);
    expect(await call(client, 'memtrace_session_context', { session_id: 'sess_1', max_tokens: 100 })).toEqual({ isError: false, text: '## Session Context (sess_1)\n' });
    expect(api.sent.find((request) => request.method === 'POST')?.body).toEqual({ max_tokens: 100 });
    exists = false;
    expect(await call(client, 'memtrace_session_context', { session_id: 'sess_1' })).toEqual({ isError: true, text: 'HTTP 404: session not found' });
    // Memories filed under a session id nobody registered (the write path allows it) still render.
    memoryCount = 2;
    expect(await call(client, 'memtrace_session_context', { session_id: 'sess_1' })).toEqual({ isError: false, text: '## Session Context (sess_1)\n' });
  });

  it("errors carry the status and the server's message (and hint), from runMemoryTool's tools and the others alike", async () => {
    const api = fakeApi({
      'POST /api/v1/memories': () => ({ status: 403, body: { error: "API key lacks the 'write' scope", code: 'forbidden' } }),
      'POST /api/v1/agents': () => ({ status: 409, body: { error: 'agent name already exists', hint: 'pick another name' } }),
      'GET /api/v1/agents': () => ({ status: 502, body: '<html>bad gateway</html>' }),
    });
    const client = await connected(api.client);
    expect(await call(client, 'memtrace_decide', { agent_id: 'bot', decision: 'd', reasoning: 'r' })).toEqual({ isError: true, text: "HTTP 403: API key lacks the 'write' scope" });
    expect(await call(client, 'memtrace_agent_register', { name: 'bot' })).toEqual({ isError: true, text: 'HTTP 409: agent name already exists (hint: pick another name)' });
    expect(await call(client, 'memtrace_agent_list')).toEqual({ isError: true, text: 'HTTP 502: <html>bad gateway</html>' });
  });

  it('a server that cannot be reached is a network error naming the cause', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const client = await connected(createMcpClient(`http://127.0.0.1:${closedPort}`, 'mtk_test', { maxRetries: 0 }));
    const result = await call(client, 'memtrace_agent_get', { agent_id: 'bot' });
    expect(result).toEqual({ isError: true, text: 'network error: could not reach the Memtrace server: Request failed: fetch failed (ECONNREFUSED)' });
  });

  it('arguments outside the schema are refused before any request', async () => {
    const api = fakeApi({});
    const client = await connected(api.client);
    const result = await call(client, 'memtrace_recall', { agent_id: 'bot', limit: 500 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit/);
    expect(api.sent).toEqual([]);
  });
});
