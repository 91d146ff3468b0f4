import fc from 'fast-check';
import { Client } from 'pg';
import { CLIENT_STACK, createStack, TenantStack, waitFor } from '@memtrace/testing';
import { queueCounts } from './ingest-fixtures';

jest.setTimeout(120_000);

/*
 * Bad input is a 4xx, never a 5xx, and writes nothing (issue 10). A property test sends every
 * gateway route a request that would succeed, with one hostile change: NUL or a lone surrogate in
 * the path id, a query value, a body string or a body key; nesting past the 32-level limit; a
 * `__proto__` key. Each must be a 400 in the `{"error"}` shape; afterwards the database, the
 * queue and the list reads show that nothing was written. The unchanged requests then succeed,
 * so it was the hostile change that was refused. The break-it run's lenient inputs follow.
 */

const RUNS = 150;
const MCP_RUNS = 30;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Reply {
  status: number;
  contentType: string;
  body: any;
}

interface Route {
  method: Method;
  /** The path with `:id` where the route takes one. */
  path: string;
  id?: string;
  query?: Record<string, string>;
  body?: () => Json;
  /** What the unchanged request answers. */
  status: number;
}

/** NUL or a lone surrogate somewhere in otherwise ordinary (ASCII, so never a pair) text. */
const UNSAFE = fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF');
const hostileText = fc.tuple(fc.string({ maxLength: 6 }), UNSAFE, fc.string({ maxLength: 6 })).map(([a, bad, b]) => a + bad + b);
/** Text a URL can carry (a lone surrogate has no UTF-8 encoding): NUL, as `%00`. */
const nulText = fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([a, b]) => `${a}\u0000${b}`);
/** A lone surrogate's code unit encoded as if it were a character (CESU-8): not valid UTF-8. */
const badUtf8 = fc.constantFrom('%ED%A0%80', '%ED%BF%BF', 'a%ED%B0%80b');
/** Nesting past the limit from the value's own position, at and far beyond the boundary. */
const deepText = fc
  .tuple(fc.constantFrom(33, 34, 100, 10_000), fc.boolean())
  .map(([levels, arrays]) => (arrays ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`));

const DEEP_MARKER = '\u0001deep-marker\u0001';

/** Every place a hostile change can go in a body: string leaves (array items included) and objects. */
function slots(value: Json, path: Array<string | number> = []): Array<{ path: Array<string | number>; kind: 'string' | 'object' | 'other' }> {
  if (typeof value === 'string') return [{ path, kind: 'string' }];
  if (Array.isArray(value)) return [{ path, kind: 'other' }, ...value.flatMap((item, i) => slots(item, [...path, i]))];
  if (value !== null && typeof value === 'object') return [{ path, kind: 'object' }, ...Object.entries(value).flatMap(([k, v]) => slots(v, [...path, k]))];
  return [{ path, kind: 'other' }];
}

function at(root: Json, path: Array<string | number>): any {
  return path.reduce((node: any, key) => node[key], root);
}

/** Sets a key as data: `__proto__` would otherwise set the prototype instead of a property. */
function defineKey(object: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

interface BodyChange {
  kind: 'text' | 'key' | 'proto' | 'deep';
  /** The hostile text, key, or the deep value's JSON text. */
  text: string;
  /** Which slot of the body the change goes to. */
  pick: number;
}

const bodyChange: fc.Arbitrary<BodyChange> = fc.oneof(
  fc.record({ kind: fc.constant<'text'>('text'), text: hostileText, pick: fc.nat() }),
  fc.record({ kind: fc.constant<'key'>('key'), text: hostileText, pick: fc.nat() }),
  fc.record({ kind: fc.constant<'proto'>('proto'), text: fc.constant('__proto__'), pick: fc.nat() }),
  fc.record({ kind: fc.constant<'deep'>('deep'), text: deepText, pick: fc.nat() }),
);

/** The body's JSON text with one change applied (JSON.stringify escapes NUL and lone surrogates). */
function changedBody(body: Json, change: BodyChange): string {
  const copy = JSON.parse(JSON.stringify(body)) as Json;
  const all = slots(copy);
  const wanted = change.kind === 'text' ? all.filter((s) => s.kind === 'string') : change.kind === 'deep' ? all : all.filter((s) => s.kind === 'object');
  // The root is always an object, so every change has a slot, and only objects take new keys.
  const slot = wanted[change.pick % wanted.length];
  if (change.kind === 'key' || change.kind === 'proto') defineKey(at(copy, slot.path), change.text, { x: 1 });
  else if (change.kind === 'deep' && slot.kind === 'object') defineKey(at(copy, slot.path), 'nested', DEEP_MARKER);
  else at(copy, slot.path.slice(0, -1))[slot.path[slot.path.length - 1]] = change.kind === 'deep' ? DEEP_MARKER : change.text;
  const text = JSON.stringify(copy);
  // Too deep for JSON.stringify: spliced in as text.
  return change.kind === 'deep' ? text.replace(JSON.stringify(DEEP_MARKER), change.text) : text;
}

describe('bad input through every gateway route: a 4xx, never a 5xx, nothing written', () => {
  let env: TenantStack;
  let routes: Route[];
  let agentId: string;
  let victimId: string;
  let session: { id: string; updated_at: string };
  let seedMemoryId: string;
  let unique = 0;

  async function send(method: Method, path: string, options: { body?: string; contentType?: string; key?: string; accept?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'x-api-key': options.key ?? env.key };
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    if (options.accept) headers.accept = options.accept;
    const reply = await fetch(`${env.baseUrl}${path}`, { method, headers, body: options.body });
    const text = await reply.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: reply.status, contentType: reply.headers.get('content-type') ?? '', body };
  }

  const json = (method: Method, path: string, body?: Json) => send(method, path, { body: body === undefined ? undefined : JSON.stringify(body) });

  function url(route: Route, id = route.id, query: string[] = []): string {
    const path = route.path.replace(':id', id ?? '');
    const pairs = [...Object.entries(route.query ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(v)}`), ...query];
    return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
  }

  function expectRefused(reply: Reply, status = 400): void {
    expect({ status: reply.status, error: typeof reply.body?.error }).toEqual({ status, error: 'string' });
    expect(reply.contentType).toMatch(/^application\/json/);
  }

  /** What a write would change: rows in PostgreSQL, jobs in the queue, memories through the API. */
  async function writtenState() {
    const db = new Client({ connectionString: env.env.db.url });
    await db.connect();
    try {
      const agents = (await db.query('SELECT id FROM agents ORDER BY id')).rows.map((r) => r.id);
      const sessions = (await db.query('SELECT id, status, metadata, updated_at FROM sessions ORDER BY id')).rows;
      const memories = (await json('GET', '/api/v1/memories?limit=1000')).body.memories.map((m: { id: string }) => m.id);
      const { ingestTotal, hotTier } = await queueCounts(env);
      return { agents, sessions, memories, ingestTotal, hotTier };
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    env = await createStack(CLIENT_STACK);
    agentId = (await json('POST', '/api/v1/agents', { name: 'bad-input-agent' })).body.id;
    victimId = (await json('POST', '/api/v1/agents', { name: 'bad-input-victim' })).body.id;
    session = (await json('POST', '/api/v1/sessions', { agent_id: agentId })).body;
    seedMemoryId = (await json('POST', '/api/v1/memories', { agent_id: agentId, session_id: session.id, content: 'seed memory', tags: ['t'] })).body.id;
    await waitFor(async () => (await writtenState()).hotTier === 0, 30_000, 'the seed memory in the store');
    const memory = (n: number): Json => ({ agent_id: agentId, session_id: session.id, content: `control ${n}`, metadata: { k: 'v', nested: { list: ['x', 'y'] } }, tags: ['t', 'u'], event_type: 'general' });
    routes = [
      { method: 'POST', path: '/api/v1/memories', body: () => memory(unique++), status: 201 },
      { method: 'POST', path: '/api/v1/memories', body: () => ({ memories: [memory(unique++), memory(unique++)] }), status: 201 },
      { method: 'GET', path: '/api/v1/memories', query: { agent_id: agentId, since: '24h', limit: '10', offset: '0', order: 'desc', tags: 't' }, status: 200 },
      { method: 'GET', path: '/api/v1/memories/:id', id: seedMemoryId, status: 200 },
      { method: 'POST', path: '/api/v1/search', body: () => ({ agent_id: agentId, content_contains: 'seed', tags: ['t'], memory_types: ['episodic'], since: '24h', limit: 10, order: 'asc' }), status: 200 },
      { method: 'POST', path: '/api/v1/agents', body: () => ({ name: `agent ${unique++}`, description: 'd', config: { model: 'm', nested: { a: ['b'] } } }), status: 201 },
      { method: 'GET', path: '/api/v1/agents', status: 200 },
      { method: 'GET', path: '/api/v1/agents/:id', id: agentId, status: 200 },
      { method: 'GET', path: '/api/v1/agents/:id/memories', id: agentId, query: { since: '2h', limit: '5', order: 'asc', memory_type: 'episodic' }, status: 200 },
      { method: 'GET', path: '/api/v1/agents/:id/stats', id: agentId, status: 200 },
      { method: 'GET', path: '/api/v1/agents/:id/activity', id: agentId, query: { since: '2h', until: 'now', bucket: '5m' }, status: 200 },
      { method: 'POST', path: '/api/v1/agents/:id/context', id: agentId, body: () => ({ since: '2h', include_types: ['episodic'], max_tokens: 100 }), status: 200 },
      { method: 'POST', path: '/api/v1/sessions', body: () => ({ agent_id: agentId, metadata: { task: 'x', deep: { a: 'b' } } }), status: 201 },
      { method: 'GET', path: '/api/v1/sessions', query: { agent_id: agentId }, status: 200 },
      { method: 'GET', path: '/api/v1/sessions/:id', id: session.id, status: 200 },
      { method: 'GET', path: '/api/v1/sessions/:id/memories', id: session.id, query: { memory_type: 'episodic', since: '1h', limit: '5', order: 'desc' }, status: 200 },
      { method: 'POST', path: '/api/v1/sessions/:id/context', id: session.id, body: () => ({ since: '1h', include_types: ['episodic', 'decision'], max_tokens: 50 }), status: 200 },
      { method: 'GET', path: '/api/v1/auth/verify', status: 200 },
      { method: 'GET', path: '/health', status: 200 },
      // Last, so that the controls below run them after every other route.
      { method: 'PUT', path: '/api/v1/sessions/:id', id: session.id, body: () => ({ status: 'closed', metadata: { k: 'v' } }), status: 200 },
      { method: 'DELETE', path: '/api/v1/agents/:id', id: victimId, status: 204 },
    ];
  }, 120_000);
  afterAll(() => env?.close());

  it('every route: NUL or a lone surrogate in a path id, query value, body string or key, deep nesting, __proto__ → 400', async () => {
    const before = await writtenState();
    const change = fc.oneof(
      { weight: 2, arbitrary: nulText.map((text) => ({ where: 'path' as const, text: encodeURIComponent(text) })) },
      { weight: 1, arbitrary: badUtf8.map((text) => ({ where: 'path' as const, text })) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('agent_id', 'since', 'limit', 'order', 'tags', 'x'), nulText).map(([name, text]) => ({ where: 'query' as const, text: `${name}=${encodeURIComponent(text)}` })) },
      { weight: 4, arbitrary: bodyChange.map((body) => ({ where: 'body' as const, body })) },
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(), change, async (pick, hostile) => {
        const candidates = routes.filter((r) => (hostile.where === 'path' ? r.id : hostile.where === 'body' ? r.body : true));
        const route = candidates[pick % candidates.length];
        const body = route.body?.();
        const target =
          hostile.where === 'path' ? url(route, `${route.id}${hostile.text}`) : hostile.where === 'query' ? url(route, route.id, [hostile.text]) : url(route);
        const text = hostile.where === 'body' ? changedBody(body as Json, hostile.body) : body === undefined ? undefined : JSON.stringify(body);
        expectRefused(await send(route.method, target, { body: text }));
      }),
      { numRuns: RUNS },
    );
    expect(await writtenState()).toEqual(before);
  });

  it('read routes: query text that is not valid UTF-8 is never a 5xx', async () => {
    // The query parser keeps such a value as its raw text, which holds neither NUL nor a surrogate:
    // a filter refuses it by its pattern, a route that ignores the parameter answers as usual.
    const reads = routes.filter((r) => r.status === 200 && r.method !== 'PUT');
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom('agent_id', 'since', 'order', 'x'), badUtf8, async (pick, name, text) => {
        const route = reads[pick % reads.length];
        const body = route.body?.();
        const reply = await send(route.method, url(route, route.id, [`${name}=${text}`]), { body: body === undefined ? undefined : JSON.stringify(body) });
        expect(reply.status).toBeLessThan(500);
        if (reply.status >= 400) expectRefused(reply, reply.status);
      }),
      { numRuns: 40 },
    );
  });

  it('MCP tools: hostile arguments are tool errors carrying the 4xx, never a 5xx', async () => {
    const before = await writtenState();
    const tools: Array<[string, (text: string) => Record<string, unknown>]> = [
      ['memtrace_agent_get', (text) => ({ agent_id: text })],
      ['memtrace_remember', (text) => ({ agent_id: agentId, content: `hello ${text}` })],
      ['memtrace_session_create', (text) => ({ agent_id: text })],
      ['memtrace_search', (text) => ({ content_contains: text })],
      ['memtrace_recall', (text) => ({ agent_id: agentId, since: text })],
      ['memtrace_agent_register', (text) => ({ name: text })],
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(), hostileText, async (pick, text) => {
        const [name, args] = tools[pick % tools.length];
        const request = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args(text) } };
        const reply = await send('POST', '/mcp', { body: JSON.stringify(request), accept: 'application/json, text/event-stream' });
        expect(reply.status).toBe(200);
        expect(reply.body.result.isError).toBe(true);
        // The REST call's 400, or the SDK's refusal to percent-encode a lone surrogate into a URL.
        expect(reply.body.result.content[0].text).toMatch(/^HTTP 400: |^URI malformed$/);
      }),
      { numRuns: MCP_RUNS, examples: [[0, 'abc\u0000']] },
    );
    const tooDeep = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'memtrace_remember', arguments: { agent_id: agentId, content: 'x', metadata: DEEP_MARKER } } };
    const deep = JSON.stringify(tooDeep).replace(JSON.stringify(DEEP_MARKER), `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    expectRefused(await send('POST', '/mcp', { body: deep, accept: 'application/json, text/event-stream' }));
    expect(await writtenState()).toEqual(before);
  });

  it("the break-it run's lenient inputs are 4xx with upstream-style messages, and write nothing", async () => {
    const before = await writtenState();
    const context = `/api/v1/sessions/${session.id}/context`;
    const cases: Array<[Method, string, string | undefined, string | undefined, number, string | RegExp]> = [
      ['POST', context, '{', undefined, 400, /^invalid request body: .*JSON/],
      ['POST', context, '{"since":"garbage"}', undefined, 400, "invalid since: 'garbage' is neither a relative window nor an RFC 3339 timestamp"],
      ['POST', context, '{"since":"999999h"}', undefined, 400, 'invalid since: 999999h is out of range (h: 1-8760, d: 1-365, m (minutes): 1-8760)'],
      ['POST', `/api/v1/agents/${agentId}/context`, '[]', undefined, 400, 'invalid request body: expected a JSON object'],
      ['GET', '/api/v1/memories?limit=-5', undefined, undefined, 400, 'invalid limit: must be at least 1'],
      ['GET', '/api/v1/memories?limit=abc', undefined, undefined, 400, 'invalid limit: must be an integer'],
      ['GET', '/api/v1/memories?limit=0', undefined, undefined, 400, 'invalid limit: must be at least 1'],
      ['GET', '/api/v1/memories?offset=-1', undefined, undefined, 400, 'invalid offset: must be at least 0'],
      ['GET', '/api/v1/memories?order=sideways', undefined, undefined, 400, 'invalid order: must be asc or desc'],
      ['GET', `/api/v1/agents/${agentId}/memories?limit=0`, undefined, undefined, 400, 'invalid limit: must be at least 1'],
      ['GET', `/api/v1/agents/${agentId}/activity?bucket=90s`, undefined, undefined, 400, "invalid bucket: '90s' is not one of 1m, 5m, 15m, 1h, 6h, 1d"],
      ['GET', `/api/v1/agents/${agentId}/activity?since=2h&until=3h`, undefined, undefined, 400, 'invalid until: must be after since'],
      ['GET', `/api/v1/agents/${agentId}/activity?since=2026-01-01T00:00:00Z&until=2025-12-31T00:00:00Z`, undefined, undefined, 400, 'invalid until: must be after since'],
      ['GET', `/api/v1/agents/${agentId}/activity?since=365d&bucket=1m`, undefined, undefined, 400, /^invalid bucket: the window would have 52560[01] buckets of 1m, at most 5000$/],
      ['GET', `/api/v1/agents/${agentId}/activity?since=soon`, undefined, undefined, 400, /^invalid since: 'soon' is neither a relative window nor an RFC 3339 timestamp$/],
      ['GET', `/api/v1/agents/${agentId}/activity?bucket=1h&bucket=1m`, undefined, undefined, 400, 'invalid bucket: given 2 times, expected once'],
      ['POST', '/api/v1/search', '{"min_importance":1e309}', undefined, 400, 'invalid request body: min_importance is out of range for a number'],
      ['POST', '/api/v1/search', '{"limit":-1}', undefined, 400, 'invalid limit: must be at least 1'],
      ['POST', '/api/v1/memories', `agent_id=${agentId}&content=form`, 'application/x-www-form-urlencoded', 415, 'invalid request body: Content-Type must be application/json'],
      ['POST', '/api/v1/memories', JSON.stringify({ agent_id: agentId, content: 'text' }), 'text/plain', 415, 'invalid request body: Content-Type must be application/json'],
      ['POST', '/api/v1/agents', 'name=form-agent', 'application/x-www-form-urlencoded', 415, 'invalid request body: Content-Type must be application/json'],
      ['POST', '/api/v1/memories', `{"agent_id":"${agentId}","content":"proto","__proto__":{"x":1}}`, undefined, 400, 'invalid request body: the key "__proto__" is not allowed'],
      ['POST', '/api/v1/memories', JSON.stringify({ agent_id: agentId, content: '   ' }), undefined, 400, 'content is required'],
      ['POST', '/api/v1/memories', JSON.stringify({ memories: [{ agent_id: agentId, content: 'ok' }, { agent_id: agentId, content: '\t' }] }), undefined, 400, 'failed to create memory 1: content is required'],
    ];
    for (const [method, path, body, contentType, status, message] of cases) {
      const reply = await send(method, path, { body, contentType });
      expect({ path, body, status: reply.status, error: reply.body?.error }).toEqual({ path, body, status, error: typeof message === 'string' ? message : expect.stringMatching(message) });
    }
    expect(await writtenState()).toEqual(before);
  });

  it('what upstream SDKs send still works: an empty or null context body, an empty DELETE body, a clamped limit', async () => {
    const context = `/api/v1/sessions/${session.id}/context`;
    expect((await send('POST', context, { body: '' })).status).toBe(200);
    expect((await send('POST', context, { body: 'null' })).status).toBe(200);
    expect((await send('POST', context)).status).toBe(200);
    expect((await send('DELETE', '/api/v1/agents/agent_nobody', { body: '' })).status).toBe(404);
    expect((await send('GET', '/api/v1/memories?limit=5000&offset=0&order=asc')).status).toBe(200);
    expect((await json('POST', '/api/v1/search', { limit: 5000, order: 'desc', min_importance: 0 })).status).toBe(200);
  });

  it('the same requests without the hostile change succeed (so the change was what got refused)', async () => {
    for (const route of routes) {
      const body = route.body?.();
      const reply = await send(route.method, url(route), { body: body === undefined ? undefined : JSON.stringify(body) });
      expect({ route: `${route.method} ${route.path}`, status: reply.status }).toEqual({ route: `${route.method} ${route.path}`, status: route.status });
    }
  });

  it('no request answered a 5xx: the gateway logged no unhandled error', () => {
    expect(env.gateway.stderr()).not.toContain('unhandled error');
  });
});
