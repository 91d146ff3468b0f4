import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { AddressInfo } from 'node:net';
import { AuthenticationError, ConflictError, Memtrace, MemtraceError, NoArcInstanceError, NotFoundError, RateLimitError } from '@memtrace/sdk';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang' | 'reset' | 'stall-body';

/** A loopback HTTP server that records requests and answers from a script, one reply per request. */
class ScriptedServer {
  readonly seen: Seen[] = [];
  private replies: Reply[] = [];
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  script(...replies: Reply[]): void {
    this.replies = replies;
    this.seen.length = 0;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      this.seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const reply = this.replies.shift() ?? { status: 200, body: '{}' };
      if (reply === 'hang') return;
      if (reply === 'reset') return void req.socket.destroy();
      if (reply === 'stall-body') return void (res.writeHead(200, { 'content-type': 'application/json' }), res.write('{"agents":'));
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body ?? '');
    });
  }
}

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body: JSON.stringify(body), headers });

describe('Memtrace client on the wire', () => {
  const server = new ScriptedServer();
  let base: string;
  let client: Memtrace;

  beforeAll(async () => {
    base = await server.start();
    client = new Memtrace(`${base}//`, 'mtk_test', { retryBaseDelay: 1, timeout: 2_000 });
  });
  afterAll(() => server.stop());

  it('sends x-api-key always and Content-Type only with a body; strips trailing slashes', async () => {
    server.script(json(200, { agents: [], count: 0 }), json(201, { id: 'agent_1' }));
    await client.listAgents();
    await client.registerAgent({ name: 'a' });
    const [get, post] = server.seen;
    expect(get).toMatchObject({ method: 'GET', url: '/api/v1/agents' });
    expect(get.headers['x-api-key']).toBe('mtk_test');
    expect(get.headers['content-type']).toBeUndefined();
    expect(post.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post.body)).toEqual({ name: 'a' });
  });

  it('builds the upstream URLs: remember/decide bodies, recall and list query order, encoded path ids', async () => {
    server.script();
    await client.remember('agent 1', 'saw a thing');
    await client.decide('a1', 'use postgres', 'it is already running');
    await client.recall('a1', '2h');
    await client.listMemories({ order: 'asc', tags: ['x', 'y'], agent_id: 'a1', limit: 0, offset: 5, since: '' });
    await client.listMemories();
    await client.getAgent('a/b/c');
    await client.getAgentMemories('../admin', { since: '2h', limit: 10, order: 'desc' });
    await client.listSessions('agent with spaces');
    await client.getSessionContext('sess 1');
    await client.getAgentContext('a1', { max_tokens: 100 });
    await client.deleteAgent('a1');
    await client.closeSession('s1');
    expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v1/memories',
      'POST /api/v1/memories',
      'GET /api/v1/memories?agent_id=a1&since=2h&limit=100&order=desc',
      'GET /api/v1/memories?agent_id=a1&tags=x%2Cy&offset=5&order=asc',
      'GET /api/v1/memories',
      'GET /api/v1/agents/a%2Fb%2Fc',
      'GET /api/v1/agents/..%2Fadmin/memories?since=2h&limit=10&order=desc',
      'GET /api/v1/sessions?agent_id=agent+with+spaces',
      'POST /api/v1/sessions/sess%201/context',
      'POST /api/v1/agents/a1/context',
      'DELETE /api/v1/agents/a1',
      'PUT /api/v1/sessions/s1',
    ]);
    expect(JSON.parse(server.seen[0].body)).toEqual({ agent_id: 'agent 1', memory_type: 'episodic', event_type: 'general', content: 'saw a thing' });
    expect(JSON.parse(server.seen[1].body)).toEqual({
      agent_id: 'a1',
      memory_type: 'decision',
      event_type: 'decision',
      content: 'use postgres',
      metadata: { reasoning: 'it is already running' },
    });
    expect(server.seen[8].body).toBe('{}');
    expect(JSON.parse(server.seen[9].body)).toEqual({ max_tokens: 100 });
    expect(JSON.parse(server.seen[11].body)).toEqual({ status: 'closed' });
  });

  it('returns the batch as an array and undefined for a 204', async () => {
    server.script(json(201, { memories: [{ content: 'a' }, { content: 'b' }], count: 2 }), { status: 204 });
    expect(await client.addMemories([{ agent_id: 'a', content: 'a' }, { agent_id: 'a', content: 'b' }])).toHaveLength(2);
    await expect(client.deleteAgent('a')).resolves.toBeUndefined();
  });

  it.each([
    [401, { error: 'Invalid API key' }, AuthenticationError],
    [404, { error: 'agent not found' }, NotFoundError],
    [409, { error: 'duplicate memory' }, ConflictError],
    [503, { error: 'no arc instance configured for this org', hint: 'ask an admin' }, NoArcInstanceError],
    [500, { error: 'internal error' }, MemtraceError],
    [400, { error: 'agent_id is required' }, MemtraceError],
  ])('maps %i to its error class with the message preserved', async (status, body, errorClass) => {
    server.script(json(status, body));
    const error = await client.addMemory({ agent_id: 'a', content: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(MemtraceError);
    expect(error).toMatchObject({ message: body.error, statusCode: status, name: errorClass.name });
    if ('hint' in body) expect((error as MemtraceError).hint).toBe(body.hint);
  });

  it('a 503 without "arc instance", and a 502 text page, are the base error', async () => {
    server.script(json(503, { error: 'upstream timeout' }));
    const once = new Memtrace(base, 'k', { maxRetries: 0 });
    const timeout = await once.addMemory({ agent_id: 'a', content: 'x' }).catch((e: unknown) => e);
    expect(timeout).not.toBeInstanceOf(NoArcInstanceError);
    expect(timeout).toMatchObject({ statusCode: 503, message: 'upstream timeout' });
    server.script({ status: 502, body: 'Bad Gateway', headers: { 'content-type': 'text/plain' } });
    const gateway = await client.registerAgent({ name: 'x' }).catch((e: unknown) => e);
    expect(gateway).toMatchObject({ statusCode: 502, message: 'Bad Gateway' });
  });

  it('retries idempotent calls on 503, 429 (honouring Retry-After) and resets, then succeeds', async () => {
    server.script(json(503, { error: 'store unavailable' }), json(429, { error: 'slow down' }, { 'retry-after': '0' }), 'reset', json(200, { agents: [], count: 0 }));
    const fresh = new Memtrace(base, 'k', { retryBaseDelay: 1, maxRetries: 3 });
    await expect(fresh.listAgents()).resolves.toEqual({ agents: [], count: 0 });
    expect(server.seen).toHaveLength(4);
  });

  it('gives up after maxRetries with the last error; a 429 is a RateLimitError with Retry-After', async () => {
    server.script(json(429, { error: 'slow down' }, { 'retry-after': '0' }), json(429, { error: 'slow down' }, { 'retry-after': '0' }), json(429, { error: 'slow down' }, { 'retry-after': '0' }));
    const error = await client.getSession('s').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ statusCode: 429, retryAfterSeconds: 0 });
    expect(server.seen).toHaveLength(3);
  });

  it('retries a memory write under one Idempotency-Key, a new key per write', async () => {
    server.script(json(503, { error: 'could not queue the write' }), 'reset', json(201, { id: 'm1' }), json(201, { id: 'm2' }));
    await expect(client.addMemory({ agent_id: 'a', content: 'x' })).resolves.toEqual({ id: 'm1' });
    await client.addMemories([{ agent_id: 'a', content: 'y' }]).catch(() => undefined);
    const keys = server.seen.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys.slice(0, 3)).toEqual([keys[0], keys[0], keys[0]]);
    expect(keys[3]).not.toBe(keys[0]);
  });

  it('never retries other writes, nor a missing store binding', async () => {
    server.script(json(503, { error: 'store unavailable' }), json(200, {}));
    await expect(client.registerAgent({ name: 'a' })).rejects.toMatchObject({ statusCode: 503 });
    expect(server.seen).toHaveLength(1);
    server.script(json(503, { error: 'no arc instance configured for this org' }), json(200, {}));
    await expect(client.listMemories()).rejects.toBeInstanceOf(NoArcInstanceError);
    expect(server.seen).toHaveLength(1);
  });

  it('times out with statusCode 0 and upstream text', async () => {
    server.script('hang');
    const quick = new Memtrace(base, 'k', { timeout: 100, maxRetries: 0 });
    await expect(quick.getAgent('a')).rejects.toMatchObject({ statusCode: 0, message: 'Request timed out after 100ms' });
  });

  it('times out a body that stalls after the headers, as the same MemtraceError', async () => {
    server.script('stall-body');
    const quick = new Memtrace(base, 'k', { timeout: 100, maxRetries: 0 });
    await expect(quick.listAgents()).rejects.toMatchObject({ name: 'MemtraceError', statusCode: 0, message: 'Request timed out after 100ms' });
  });

  it('never retries a delete: a repeat after a lost 204 would answer 404', async () => {
    server.script(json(503, { error: 'store unavailable' }), { status: 204 });
    await expect(client.deleteAgent('a')).rejects.toMatchObject({ statusCode: 503 });
    expect(server.seen).toHaveLength(1);
  });

  it('keeps the API key out of logs and serialisations of the client', () => {
    const secret = new Memtrace(base, 'mtk_do-not-print');
    expect(inspect(secret, { depth: 10, showHidden: true })).not.toContain('mtk_do-not-print');
    expect(JSON.stringify(secret)).not.toContain('mtk_do-not-print');
  });

  it('reports a refused connection as a network failure with statusCode 0', async () => {
    const nowhere = new Memtrace('http://127.0.0.1:1', 'k', { maxRetries: 0 });
    await expect(nowhere.listAgents()).rejects.toMatchObject({ statusCode: 0, message: expect.stringMatching(/^Request failed: /) });
  });

  it('rejects bad input before sending anything', async () => {
    server.script();
    await expect(client.addMemory({ agent_id: 'a', content: 'x', importance: 1.5 })).rejects.toThrow('memory: importance must be between 0 and 1');
    await expect(client.addMemories([{ agent_id: 'a', content: 'x' }, { agent_id: 'a', content: 'y', memory_type: 'bogus' as never }])).rejects.toThrow(
      'memories[1]: memory_type must be one of',
    );
    await expect(client.getSession('')).rejects.toThrow('an id is required');
    expect(() => new Memtrace('', 'k')).toThrow('base URL');
    expect(() => new Memtrace(base, '')).toThrow('API key');
    expect(server.seen).toHaveLength(0);
  });
});
