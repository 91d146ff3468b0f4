import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createStack, READ_STACK, TenantStack } from '@memtrace/testing';

jest.setTimeout(90_000);

/*
 * Every route driven exactly as each upstream SDK drives it (reference/upstream-rest-api.md §10),
 * with the response checks their models and error mapping rely on (§3, §4, §11). Requests go out
 * through node:http byte for byte, so nothing normalises them on the way (fetch would drop Go's
 * bare trailing `?`, for one).
 */

// ---------------------------------------------------------------------------------------------
// The wire: one request as an SDK sends it, and the reply.

interface WireRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute URL, sent as is. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

interface WireReply {
  status: number;
  contentType: string;
  text: string;
  body: any;
}

type Json = unknown;
type Fields = Record<string, Json>;

interface MemoryRequest {
  agent_id: string;
  session_id?: string;
  memory_type?: string;
  event_type?: string;
  content: string;
  metadata?: Fields;
  tags?: string[];
  importance?: number;
}
interface ListOptions {
  agent_id?: string;
  session_id?: string;
  memory_type?: string;
  event_type?: string;
  tags?: string;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
}
interface SearchQuery {
  agent_id?: string;
  memory_types?: string[];
  tags?: string[];
  content_contains?: string;
  limit?: number;
  order?: 'asc' | 'desc';
}
interface ContextOptions {
  max_tokens?: number;
  include_types?: string[];
  since?: string;
}

/** An SDK's methods (§10), each giving the request it sends. An absent method: the SDK has none. */
interface SdkWire {
  remember(agentId: string, content: string): WireRequest;
  recall(agentId: string, since?: string): WireRequest;
  decide(agentId: string, decision: string, reasoning: string): WireRequest;
  add_memory(req: MemoryRequest): WireRequest;
  add_memories(reqs: MemoryRequest[]): WireRequest;
  list_memories(opts: ListOptions): WireRequest;
  search_memories(query: SearchQuery): WireRequest;
  register_agent(req: { name: string; description?: string; config?: Fields }): WireRequest;
  list_agents?(): WireRequest;
  get_agent(id: string): WireRequest;
  get_agent_stats(id: string): WireRequest;
  get_agent_memories?(id: string, opts?: ListOptions): WireRequest;
  delete_agent?(id: string): WireRequest;
  create_session(req: { agent_id: string; metadata?: Fields }): WireRequest;
  get_session(id: string): WireRequest;
  list_sessions?(agentId?: string): WireRequest;
  get_session_memories?(id: string, opts?: ListOptions): WireRequest;
  get_session_context(id: string, opts?: ContextOptions): WireRequest;
  close_session(id: string): WireRequest;
  /** `GET /api/v1/memories/:id`, which no SDK method calls, framed as this SDK frames a GET. */
  raw_get(path: string): WireRequest;
}

/** Where an SDK client points; filled in once the stack is up. */
interface Target {
  baseUrl: string;
  apiKey: string;
}

/** Model field orders: pydantic dumps and Go marshals fields in declaration order. */
const LIST_FIELDS = ['agent_id', 'session_id', 'memory_type', 'event_type', 'tags', 'since', 'until', 'limit', 'offset', 'order'];
const MEMORY_FIELDS = ['agent_id', 'session_id', 'memory_type', 'event_type', 'content', 'metadata', 'tags', 'dedup_key', 'importance', 'parent_id'];
const SEARCH_FIELDS = ['agent_id', 'session_id', 'memory_types', 'event_types', 'tags', 'content_contains', 'since', 'until', 'min_importance', 'limit', 'order'];
const CONTEXT_FIELDS = ['max_tokens', 'include_types', 'since'];

const percent = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
/** Python `urllib.parse.quote(s, safe="")` (Go's `url.QueryEscape` is the same with `+` for space). */
const pyQuote = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, percent);
const plusSpaces = (s: string) => s.replace(/%20/g, '+');

/** pydantic `model_dump(exclude_none=True)`: the set fields, in model order. */
function excludeNone(value: object, order: string[]): Fields {
  const fields = value as Fields;
  return Object.fromEntries(order.filter((f) => fields[f] !== undefined && fields[f] !== null).map((f) => [f, fields[f]]));
}

/** Python `json.dumps` defaults (httpx < 0.28): `", "` and `": "` separators, non-ASCII as `\uXXXX`. */
function pythonJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go `json.Marshal`: HTML characters escaped. */
const goJson = (value: Json) => JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Go struct marshalling: `always` fields are written even when zero; the rest are `omitempty`. */
function goStruct(value: object, order: string[], always: string[] = []): Fields {
  const fields = value as Fields;
  const empty = (v: Json) => v === undefined || v === null || v === '' || v === 0 || (typeof v === 'object' && Object.keys(v as object).length === 0);
  return Object.fromEntries(order.filter((f) => always.includes(f) || !empty(fields[f])).map((f) => [f, fields[f] ?? '']));
}

/** Python `memtrace-sdk` 0.2.0 (§10.1): httpx, both headers on every request, quote(safe="") ids. */
function pythonSdk(target: Target): SdkWire {
  const send = (method: WireRequest['method'], path: string, body?: Json): WireRequest => ({
    method,
    url: target.baseUrl + path,
    headers: { 'x-api-key': target.apiKey, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : pythonJson(body),
  });
  // httpx `params=`: urlencode (quote_plus) of the dumped ListOptions, in field order.
  const query = (opts: ListOptions = {}) => {
    const pairs = Object.entries(excludeNone(opts, LIST_FIELDS)).map(([k, v]) => `${k}=${plusSpaces(pyQuote(String(v)))}`);
    return pairs.length > 0 ? `?${pairs.join('&')}` : '';
  };
  const memory = (req: MemoryRequest) => excludeNone(req, MEMORY_FIELDS);
  return {
    remember: (agentId, content) => send('POST', '/api/v1/memories', { agent_id: agentId, memory_type: 'episodic', event_type: 'general', content }),
    recall: (agentId, since = '24h') => send('GET', `/api/v1/memories${query({ agent_id: agentId, since, order: 'desc', limit: 100 })}`),
    decide: (agentId, decision, reasoning) =>
      send('POST', '/api/v1/memories', { agent_id: agentId, memory_type: 'decision', event_type: 'decision', content: decision, metadata: { reasoning } }),
    add_memory: (req) => send('POST', '/api/v1/memories', memory(req)),
    add_memories: (reqs) => send('POST', '/api/v1/memories', { memories: reqs.map(memory) }),
    list_memories: (opts) => send('GET', `/api/v1/memories${query(opts)}`),
    search_memories: (q) => send('POST', '/api/v1/search', excludeNone(q, SEARCH_FIELDS)),
    register_agent: (req) => send('POST', '/api/v1/agents', excludeNone(req, ['name', 'description', 'config'])),
    list_agents: () => send('GET', '/api/v1/agents'),
    get_agent: (id) => send('GET', `/api/v1/agents/${pyQuote(id)}`),
    get_agent_stats: (id) => send('GET', `/api/v1/agents/${pyQuote(id)}/stats`),
    get_agent_memories: (id, opts = {}) => send('GET', `/api/v1/agents/${pyQuote(id)}/memories${query({ ...opts, agent_id: undefined })}`),
    delete_agent: (id) => send('DELETE', `/api/v1/agents/${pyQuote(id)}`),
    create_session: (req) => send('POST', '/api/v1/sessions', excludeNone(req, ['agent_id', 'metadata'])),
    get_session: (id) => send('GET', `/api/v1/sessions/${pyQuote(id)}`),
    list_sessions: (agentId) => send('GET', `/api/v1/sessions${agentId ? `?agent_id=${plusSpaces(pyQuote(agentId))}` : ''}`),
    get_session_memories: (id, opts = {}) => send('GET', `/api/v1/sessions/${pyQuote(id)}/memories${query(opts)}`),
    get_session_context: (id, opts) => send('POST', `/api/v1/sessions/${pyQuote(id)}/context`, opts ? excludeNone(opts, CONTEXT_FIELDS) : {}),
    close_session: (id) => send('PUT', `/api/v1/sessions/${pyQuote(id)}`, { status: 'closed' }),
    raw_get: (path) => send('GET', path),
  };
}

/** `@basekick-labs/memtrace-sdk` 0.2.0 (§10.2): fetch, Content-Type only with a body, encodeURIComponent ids. */
function typescriptSdk(target: Target): SdkWire {
  const send = (method: WireRequest['method'], path: string, body?: Json): WireRequest => ({
    method,
    url: target.baseUrl.replace(/\/+$/, '') + path,
    headers: body === undefined ? { 'x-api-key': target.apiKey } : { 'x-api-key': target.apiKey, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const enc = encodeURIComponent;
  const listMemories = (opts: ListOptions) => {
    const params = new URLSearchParams();
    for (const field of LIST_FIELDS) {
      const value = opts[field as keyof ListOptions];
      if (field === 'limit' || field === 'offset' ? typeof value === 'number' && value > 0 : value) params.set(field, String(value));
    }
    const qs = params.toString();
    return send('GET', qs ? `/api/v1/memories?${qs}` : '/api/v1/memories');
  };
  return {
    remember: (agentId, content) => send('POST', '/api/v1/memories', { agent_id: agentId, memory_type: 'episodic', event_type: 'general', content }),
    recall: (agentId, since = '24h') => listMemories({ agent_id: agentId, since, order: 'desc', limit: 100 }),
    decide: (agentId, decision, reasoning) =>
      send('POST', '/api/v1/memories', { agent_id: agentId, memory_type: 'decision', event_type: 'decision', content: decision, metadata: { reasoning } }),
    add_memory: (req) => send('POST', '/api/v1/memories', req),
    add_memories: (reqs) => send('POST', '/api/v1/memories', { memories: reqs }),
    list_memories: listMemories,
    search_memories: (q) => send('POST', '/api/v1/search', q),
    register_agent: (req) => send('POST', '/api/v1/agents', req),
    get_agent: (id) => send('GET', `/api/v1/agents/${enc(id)}`),
    get_agent_stats: (id) => send('GET', `/api/v1/agents/${enc(id)}/stats`),
    create_session: (req) => send('POST', '/api/v1/sessions', req),
    get_session: (id) => send('GET', `/api/v1/sessions/${enc(id)}`),
    list_sessions: (agentId) => send('GET', `/api/v1/sessions${agentId ? `?agent_id=${enc(agentId)}` : ''}`),
    get_session_context: (id, opts) => send('POST', `/api/v1/sessions/${enc(id)}/context`, opts ?? {}),
    close_session: (id) => send('PUT', `/api/v1/sessions/${enc(id)}`, { status: 'closed' }),
    raw_get: (path) => send('GET', path),
  };
}

/**
 * Go `pkg/sdk` (§10.3): net/http, Content-Type on POST/PUT only, path ids unescaped, `?` always on
 * ListMemories (url.Values.Encode: keys sorted), a nil ContextOptions marshalled as `null`. The
 * upstream SDK authenticates with `x-api-key`; `bearer` replays it with `Authorization: Bearer`,
 * which the server must accept as well (§2, §12).
 */
function goSdk(target: Target, auth: 'x-api-key' | 'bearer'): SdkWire {
  const send = (method: WireRequest['method'], path: string, body?: Json): WireRequest => {
    const headers: Record<string, string> = { 'User-Agent': 'Go-http-client/1.1', 'Accept-Encoding': 'gzip' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth === 'bearer') headers.Authorization = `Bearer ${target.apiKey}`;
    else headers['x-api-key'] = target.apiKey;
    return { method, url: target.baseUrl + path, headers, body: body === undefined ? undefined : goJson(body) };
  };
  const memory = (req: MemoryRequest) => goStruct(req, MEMORY_FIELDS, ['agent_id', 'memory_type', 'event_type', 'content']);
  const listMemories = (opts: ListOptions) => {
    const set = goStruct(opts, LIST_FIELDS);
    const encoded = Object.keys(set)
      .sort()
      .map((k) => `${k}=${plusSpaces(pyQuote(String(set[k])))}`)
      .join('&');
    return send('GET', `/api/v1/memories?${encoded}`);
  };
  return {
    remember: (agentId, content) => send('POST', '/api/v1/memories', memory({ agent_id: agentId, memory_type: 'episodic', event_type: 'general', content })),
    recall: (agentId, since = '') => listMemories({ agent_id: agentId, since, order: 'desc', limit: 100 }),
    decide: (agentId, decision, reasoning) =>
      send('POST', '/api/v1/memories', memory({ agent_id: agentId, memory_type: 'decision', event_type: 'decision', content: decision, metadata: { reasoning } })),
    add_memory: (req) => send('POST', '/api/v1/memories', memory(req)),
    add_memories: (reqs) => send('POST', '/api/v1/memories', { memories: reqs.map(memory) }),
    list_memories: listMemories,
    search_memories: (q) => send('POST', '/api/v1/search', goStruct(q, SEARCH_FIELDS)),
    register_agent: (req) => send('POST', '/api/v1/agents', goStruct(req, ['name', 'description', 'config'], ['name'])),
    get_agent: (id) => send('GET', `/api/v1/agents/${id}`),
    get_agent_stats: (id) => send('GET', `/api/v1/agents/${id}/stats`),
    create_session: (req) => send('POST', '/api/v1/sessions', goStruct(req, ['agent_id', 'metadata'], ['agent_id'])),
    get_session: (id) => send('GET', `/api/v1/sessions/${id}`),
    get_session_context: (id, opts) => send('POST', `/api/v1/sessions/${id}/context`, opts ? goStruct(opts, CONTEXT_FIELDS) : null),
    close_session: (id) => send('PUT', `/api/v1/sessions/${id}`, { status: 'closed' }),
    raw_get: (path) => send('GET', path),
  };
}

const connections = new HttpAgent({ keepAlive: false });

/** Sends the request byte for byte (Content-Length as every SDK's client sets it). */
function send(wire: WireRequest): Promise<WireReply> {
  const { origin, path } = /^(?<origin>https?:\/\/[^/]+)(?<path>\/.*)$/.exec(wire.url)?.groups ?? {};
  const { hostname, port } = new URL(origin);
  const headers = { ...wire.headers };
  if (wire.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(wire.body));
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, method: wire.method, path, headers, agent: connections }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const raw = Buffer.concat(chunks);
        // Go's transport asks for gzip and decompresses transparently.
        const text = (response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), text, body });
      });
    });
    request.on('error', reject);
    request.end(wire.body);
  });
}

const isObject = (value: unknown): value is Fields => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * One SDK call, with what every SDK needs of any reply: a 204 is empty; every other reply is a JSON
 * object (TS parses every 2xx body; Python calls `.get("error")` on error bodies), and an error's
 * `error` is a string (the message of the SDK's exception).
 */
async function sdkCall(wire: WireRequest): Promise<WireReply> {
  const reply = await send(wire);
  const shape =
    reply.status === 204
      ? reply.text === ''
      : reply.contentType.startsWith('application/json') && isObject(reply.body) && (reply.status < 400 || typeof reply.body.error === 'string');
  if (!shape) throw new Error(`unusable reply to ${wire.method} ${wire.url}: ${reply.status} ${reply.contentType} ${reply.text.slice(0, 300)}`);
  return reply;
}

// ---------------------------------------------------------------------------------------------
// What the SDK models require (§4, §10.1 pydantic models, §10.3 Go time.Time).

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const AGENT_ID = /^agent_[0-9a-f]{24}$/;
const SESSION_ID = /^sess_[0-9a-f]{24}$/;
/** An asymmetric matcher for a JSON integer (Python `int`, Go `int`). */
const integer = (): any => ({ asymmetricMatch: (n: unknown) => Number.isInteger(n), toAsymmetricMatcher: () => 'Integer' });

function expectTime(value: unknown): void {
  expect(value).toMatch(RFC3339_UTC);
  expect(Number.isNaN(Date.parse(value as string))).toBe(false);
}

/** Optional fields may be absent or null; when present they have their model type. */
function expectOptional(object: Fields, kinds: Record<string, 'string' | 'number' | 'object' | 'strings' | 'time'>): void {
  for (const [field, kind] of Object.entries(kinds)) {
    const value = object[field];
    if (value === undefined || value === null) continue;
    if (kind === 'time') expectTime(value);
    else if (kind === 'object') expect(isObject(value)).toBe(true);
    else if (kind === 'strings') expect(Array.isArray(value) && value.every((t) => typeof t === 'string')).toBe(true);
    else expect(typeof value).toBe(kind);
  }
}

const model = {
  memory(m: Fields, orgId: string): void {
    expect(m).toEqual(
      expect.objectContaining({
        org_id: orgId,
        agent_id: expect.any(String),
        memory_type: expect.stringMatching(/^(episodic|session|decision|entity)$/),
        event_type: expect.any(String),
        content: expect.any(String),
      }),
    );
    expectTime(m.time);
    expectOptional(m, { id: 'string', session_id: 'string', metadata: 'object', tags: 'strings', dedup_key: 'string', importance: 'number', parent_id: 'string' });
  },
  memoryList(body: Fields, orgId: string): void {
    expect(body).toEqual({ memories: expect.any(Array), count: (body.memories as unknown[]).length, has_more: expect.any(Boolean) });
    for (const m of body.memories as Fields[]) model.memory(m, orgId);
  },
  agent(a: Fields, orgId: string): void {
    expect(a).toEqual(expect.objectContaining({ id: expect.stringMatching(AGENT_ID), org_id: orgId, name: expect.any(String) }));
    expectTime(a.created_at);
    expectOptional(a, { description: 'string', config: 'object', last_active_at: 'time' });
  },
  session(s: Fields, orgId: string): void {
    expect(s).toEqual(expect.objectContaining({ id: expect.stringMatching(SESSION_ID), org_id: orgId, agent_id: expect.any(String), status: expect.any(String) }));
    expectTime(s.created_at);
    expectTime(s.updated_at);
    expectOptional(s, { metadata: 'object', closed_at: 'time' });
  },
};

const contents = (memories: Fields[]) => memories.map((m) => m.content);

// ---------------------------------------------------------------------------------------------

const SDKS: Array<{ name: string; slug: string; make: (target: Target) => SdkWire; gateway: number; trailingSlash?: boolean }> = [
  { name: 'Python', slug: 'py', make: pythonSdk, gateway: 0 },
  { name: 'TypeScript', slug: 'ts', make: typescriptSdk, gateway: 1, trailingSlash: true },
  { name: 'Go', slug: 'go', make: (t) => goSdk(t, 'x-api-key'), gateway: 0 },
  { name: 'Go (Authorization: Bearer)', slug: 'gobearer', make: (t) => goSdk(t, 'bearer'), gateway: 1 },
];

describe('the wire helper frames requests as the SDKs do (§10, §11)', () => {
  const local = { baseUrl: 'http://localhost:9100', apiKey: 'mtk_k' };
  const python = pythonSdk(local);
  const ts = typescriptSdk({ ...local, baseUrl: 'http://localhost:9100/' });
  const go = goSdk(local, 'x-api-key');

  it('Python: both headers on GET, quote(safe="") ids, query in ListOptions order, never agent_id on agent memories', () => {
    expect(python.get_agent('a/b/c')).toEqual({ method: 'GET', url: 'http://localhost:9100/api/v1/agents/a%2Fb%2Fc', headers: { 'x-api-key': 'mtk_k', 'Content-Type': 'application/json' }, body: undefined });
    expect(python.get_agent('../admin').url).toBe('http://localhost:9100/api/v1/agents/..%2Fadmin');
    expect(python.get_session('sess with space').url).toBe('http://localhost:9100/api/v1/sessions/sess%20with%20space');
    expect(python.recall('agent_1', '2h').url).toBe('http://localhost:9100/api/v1/memories?agent_id=agent_1&since=2h&limit=100&order=desc');
    expect(python.get_agent_memories?.('agent_1', { agent_id: 'x', limit: 10, since: '2h', order: 'desc' }).url).toBe(
      'http://localhost:9100/api/v1/agents/agent_1/memories?since=2h&limit=10&order=desc',
    );
    expect(python.get_session_context('sess_1').body).toBe('{}');
    expect(python.decide('a', 'déjà', 'r').body).toBe('{"agent_id": "a", "memory_type": "decision", "event_type": "decision", "content": "d\\u00e9j\\u00e0", "metadata": {"reasoning": "r"}}');
  });

  it('TypeScript: trailing slash stripped, Content-Type only with a body, URLSearchParams, encodeURIComponent', () => {
    expect(ts.get_agent('agent_1')).toEqual({ method: 'GET', url: 'http://localhost:9100/api/v1/agents/agent_1', headers: { 'x-api-key': 'mtk_k' }, body: undefined });
    expect(ts.list_sessions?.().url).toBe('http://localhost:9100/api/v1/sessions');
    expect(ts.list_sessions?.('agent with spaces').url).toBe('http://localhost:9100/api/v1/sessions?agent_id=agent%20with%20spaces');
    expect(ts.list_memories({ agent_id: 'agent_1', since: '2h', limit: 50 }).url).toBe('http://localhost:9100/api/v1/memories?agent_id=agent_1&since=2h&limit=50');
    expect(ts.list_memories({ limit: 0 }).url).toBe('http://localhost:9100/api/v1/memories');
    expect(ts.remember('agent_1', 'x').headers).toEqual({ 'x-api-key': 'mtk_k', 'Content-Type': 'application/json' });
  });

  it('Go: bare `?`, sorted query, "" types, null context body, unescaped ids', () => {
    expect(go.list_memories({}).url).toBe('http://localhost:9100/api/v1/memories?');
    expect(go.recall('agent_1', '2h').url).toBe('http://localhost:9100/api/v1/memories?agent_id=agent_1&limit=100&order=desc&since=2h');
    expect(go.add_memory({ agent_id: 'a', content: '<b>' }).body).toBe('{"agent_id":"a","memory_type":"","event_type":"","content":"\\u003cb\\u003e"}');
    expect(go.get_session_context('sess_1').body).toBe('null');
    expect(go.get_agent('agent_1').headers).not.toHaveProperty('Content-Type');
    expect(goSdk(local, 'bearer').get_agent('agent_1').headers).toMatchObject({ Authorization: 'Bearer mtk_k' });
  });
});

describe('upstream SDKs against 2 gateways → 2 query processes → Arc double + hot tier', () => {
  let stack: TenantStack;
  /** Per SDK: org A's key, a wrong key, org C's key (no store binding). Filled in once the stack is up. */
  const targets = SDKS.map(() => ({ a: {} as Target, wrongKey: {} as Target, unbound: {} as Target }));

  beforeAll(async () => {
    stack = await createStack(READ_STACK);
    for (const [index, sdk] of SDKS.entries()) {
      const baseUrl = stack.gateways[sdk.gateway].url() + (sdk.trailingSlash ? '/' : '');
      Object.assign(targets[index].a, { baseUrl, apiKey: stack.key });
      Object.assign(targets[index].wrongKey, { baseUrl, apiKey: `mtk_${'A'.repeat(43)}=` });
      Object.assign(targets[index].unbound, { baseUrl, apiKey: stack.unboundKey });
    }
  }, 120_000);

  afterAll(() => stack?.close());

  describe.each(SDKS.map((sdk, index) => ({ ...sdk, index })))('$name SDK', ({ slug, make, index, name }) => {
    const { a: target, wrongKey, unbound } = targets[index];
    const sdk = make(target);
    const isGo = name.startsWith('Go');
    const orgId = () => stack.orgId;
    let agent: Fields;
    let session: Fields;
    const written: Record<'remember' | 'decide' | 'addMemory' | 'batchError' | 'batchEntity', Fields> = {} as never;

    it('register_agent: 201 Agent; registering the name again is 409, then get_agent(name) finds it', async () => {
      const request = { name: `${slug}-support-bot`, description: 'Answers tickets', config: { model: 'gpt-4' } };
      const registered = await sdkCall(sdk.register_agent(request));
      expect(registered).toMatchObject({ status: 201, body: { name: request.name, description: 'Answers tickets', config: { model: 'gpt-4' } } });
      model.agent(registered.body, orgId());
      agent = registered.body;
      expect(await sdkCall(sdk.register_agent(request))).toMatchObject({ status: 409, body: { error: expect.stringContaining('already exists') } });
      const byName = await sdkCall(sdk.get_agent(request.name));
      expect(byName).toMatchObject({ status: 200, body: { id: agent.id } });
    });

    it('get_agent by id; list_agents {agents, count}', async () => {
      const byId = await sdkCall(sdk.get_agent(agent.id as string));
      expect(byId.status).toBe(200);
      model.agent(byId.body, orgId());
      expect(byId.body).toMatchObject({ id: agent.id, name: agent.name, created_at: agent.created_at });
      if (!sdk.list_agents) return; // Python only
      const list = await sdkCall(sdk.list_agents());
      expect(list).toMatchObject({ status: 200, body: { agents: expect.arrayContaining([expect.objectContaining({ id: agent.id })]) } });
      expect(Object.keys(list.body).sort()).toEqual(['agents', 'count']);
      expect(list.body.count).toBe(list.body.agents.length);
      for (const a of list.body.agents) model.agent(a, orgId());
    });

    it('create_session: 201 active Session; get_session; list_sessions (all, by agent, `agent with spaces`)', async () => {
      const created = await sdkCall(sdk.create_session({ agent_id: agent.id as string, metadata: { task: 'onboarding' } }));
      expect(created).toMatchObject({ status: 201, body: { agent_id: agent.id, status: 'active', metadata: { task: 'onboarding' } } });
      model.session(created.body, orgId());
      expect(created.body.closed_at ?? null).toBeNull();
      session = created.body;
      const fetched = await sdkCall(sdk.get_session(session.id as string));
      expect(fetched).toMatchObject({ status: 200, body: session });
      if (!sdk.list_sessions) return; // Python and TypeScript only
      const all = await sdkCall(sdk.list_sessions());
      expect(all).toMatchObject({ status: 200, body: { sessions: expect.arrayContaining([expect.objectContaining({ id: session.id })]) } });
      expect(all.body.count).toBe(all.body.sessions.length);
      for (const s of all.body.sessions) model.session(s, orgId());
      const mine = await sdkCall(sdk.list_sessions(agent.id as string));
      expect(mine).toMatchObject({ status: 200, body: { sessions: [{ id: session.id }], count: 1 } });
      expect(await sdkCall(sdk.list_sessions('agent with spaces'))).toMatchObject({ status: 200, body: { sessions: [], count: 0 } });
    });

    it('remember, decide, add_memory, add_memories: 201 with the Memory fields; decide echoes decision + reasoning', async () => {
      const agentId = agent.id as string;
      const remembered = await sdkCall(sdk.remember(agentId, `${slug}: user prefers dark mode`));
      expect(remembered).toMatchObject({ status: 201, body: { agent_id: agentId, memory_type: 'episodic', event_type: 'general' } });
      model.memory(remembered.body, orgId());
      written.remember = remembered.body;

      const decided = await sdkCall(sdk.decide(agentId, `${slug}: use PostgreSQL`, 'needs transactions'));
      expect(decided).toMatchObject({ status: 201, body: { memory_type: 'decision', event_type: 'decision', metadata: { reasoning: 'needs transactions' } } });
      model.memory(decided.body, orgId());
      written.decide = decided.body;

      // Go's AddMemoryRequest has no omitempty on the types: "" must mean the defaults.
      const types = isGo ? {} : { memory_type: 'episodic', event_type: 'page_crawled' };
      const content = `${slug}: crawled <b>example.com</b> & found 3 pages — ünï 😀`;
      const added = await sdkCall(
        sdk.add_memory({ agent_id: agentId, session_id: session.id as string, ...types, content, metadata: { source: 'crawler' }, tags: ['billing', 'web'], importance: 0.8 }),
      );
      expect(added).toMatchObject({
        status: 201,
        body: { session_id: session.id, memory_type: 'episodic', event_type: isGo ? 'general' : 'page_crawled', content, tags: ['billing', 'web'], importance: 0.8 },
      });
      model.memory(added.body, orgId());
      written.addMemory = added.body;

      const batch = await sdkCall(
        sdk.add_memories([
          { agent_id: agentId, session_id: session.id as string, memory_type: 'episodic', event_type: 'error', content: `${slug}: payment API timed out` },
          { agent_id: agentId, session_id: session.id as string, memory_type: 'entity', event_type: 'customer', content: `${slug}: Acme Corp, 40 seats`, tags: ['billing'] },
        ]),
      );
      expect(batch).toMatchObject({ status: 201, body: { count: 2 } });
      expect(Object.keys(batch.body).sort()).toEqual(['count', 'memories']);
      expect(batch.body.memories).toHaveLength(2);
      for (const m of batch.body.memories) model.memory(m, orgId());
      [written.batchError, written.batchEntity] = batch.body.memories;
    });

    it('recall, list_memories and search_memories see the writes at once (hot tier), with the SDK envelopes', async () => {
      const agentId = agent.id as string;
      const recalled = await sdkCall(sdk.recall(agentId));
      expect(recalled.status).toBe(200);
      model.memoryList(recalled.body, orgId());
      expect(recalled.body).toMatchObject({ count: 5, has_more: false });
      // Newest first.
      expect(contents(recalled.body.memories)).toEqual(contents([written.batchEntity, written.batchError, written.addMemory, written.decide, written.remember]));

      const page = await sdkCall(sdk.list_memories({ agent_id: agentId, limit: 2, offset: 1, order: 'asc' }));
      expect(page).toMatchObject({ status: 200, body: { count: 2, has_more: true } });
      expect(contents(page.body.memories)).toEqual(contents([written.decide, written.addMemory]));

      const tagged = await sdkCall(sdk.list_memories({ agent_id: agentId, session_id: session.id as string, tags: 'billing,web', limit: 10, order: 'desc' }));
      expect(tagged.status).toBe(200);
      model.memoryList(tagged.body, orgId());
      expect(contents(tagged.body.memories)).toEqual([written.addMemory.content]);

      // No options at all: Go still sends `/api/v1/memories?`.
      const everything = await sdkCall(sdk.list_memories({}));
      expect(everything.status).toBe(200);
      model.memoryList(everything.body, orgId());
      expect(everything.body.count).toBeGreaterThanOrEqual(5);

      const decisions = await sdkCall(sdk.search_memories({ agent_id: agentId, memory_types: ['decision'], limit: 10, order: 'desc' }));
      expect(decisions).toMatchObject({ status: 200, body: { count: 1, query_time_ms: integer(), results: [{ content: written.decide.content, metadata: { reasoning: 'needs transactions' } }] } });
      expect(Object.keys(decisions.body).sort()).toEqual(['count', 'query_time_ms', 'results']);
      for (const m of decisions.body.results) model.memory(m, orgId());

      const literal = await sdkCall(sdk.search_memories({ agent_id: agentId, tags: ['billing'], content_contains: '<b>example.com</b> & found' }));
      expect(literal).toMatchObject({ status: 200, body: { count: 1, results: [{ content: written.addMemory.content }] } });
    });

    it('get_agent_memories (no agent_id in the query) and get_session_memories', async () => {
      if (sdk.get_agent_memories) {
        const request = sdk.get_agent_memories(agent.id as string, { agent_id: 'someone-else', limit: 10, since: '2h', order: 'desc' });
        expect(request.url).not.toContain('agent_id=');
        const reply = await sdkCall(request);
        expect(reply.status).toBe(200);
        model.memoryList(reply.body, orgId());
        expect(reply.body).toMatchObject({ count: 5, has_more: false });
        for (const m of reply.body.memories) expect(m.agent_id).toBe(agent.id);
      }
      if (sdk.get_session_memories) {
        const all = await sdkCall(sdk.get_session_memories(session.id as string));
        expect(all.status).toBe(200);
        model.memoryList(all.body, orgId());
        expect(all.body.count).toBe(3);
        for (const m of all.body.memories) expect(m.session_id).toBe(session.id);
        const episodic = await sdkCall(sdk.get_session_memories(session.id as string, { memory_type: 'episodic', limit: 10 }));
        expect(contents(episodic.body.memories)).toEqual(contents([written.batchError, written.addMemory]));
      }
    });

    it('get_agent_stats: every integer field and memory_types', async () => {
      const stats = await sdkCall(sdk.get_agent_stats(agent.id as string));
      expect(stats).toMatchObject({
        status: 200,
        body: { agent_id: agent.id, memory_count: 5, memories_24h: 5, errors_24h: 1, session_count: 1, active_sessions: 1, memory_types: { episodic: 3, decision: 1, entity: 1 } },
      });
      for (const field of ['memory_count', 'memories_24h', 'errors_24h', 'session_count', 'active_sessions']) expect(Number.isInteger(stats.body[field])).toBe(true);
      expectOptional(stats.body, { last_active_at: 'time' });
    });

    it(`get_session_context: no options (${isGo ? 'a literal null body' : '{}'}) and with options`, async () => {
      const id = session.id as string;
      const defaults = sdk.get_session_context(id);
      expect(defaults.body).toBe(isGo ? 'null' : '{}');
      const reply = await sdkCall(defaults);
      expect(reply).toMatchObject({ status: 200, body: { session_id: id, context: expect.any(String), memory_count: 3 } });
      expect(reply.body.context.startsWith(`## Session Context (${id})\n\n`)).toBe(true);
      expect(reply.body.context).toContain(written.addMemory.content);

      const budgeted = await sdkCall(sdk.get_session_context(id, { max_tokens: 60, include_types: ['episodic', 'entity'], since: '1h' }));
      expect(budgeted).toMatchObject({ status: 200, body: { session_id: id, memory_count: integer() } });
      expect(budgeted.body.token_count).toBeLessThanOrEqual(60);
      expect(budgeted.body.memory_count + budgeted.body.omitted_count).toBe(3);
      expect(budgeted.body.context).not.toContain(written.decide.content);
    });

    it('close_session: status closed with a non-null closed_at', async () => {
      const closed = await sdkCall(sdk.close_session(session.id as string));
      expect(closed).toMatchObject({ status: 200, body: { id: session.id, status: 'closed', closed_at: expect.any(String) } });
      model.session(closed.body, orgId());
      expect((await sdkCall(sdk.get_session(session.id as string))).body).toEqual(closed.body);
      expect((await sdkCall(sdk.get_agent_stats(agent.id as string))).body).toMatchObject({ session_count: 1, active_sessions: 0 });
    });

    // Python only: the other SDKs have no delete method, so theirs have no such test.
    const deleteAgent = sdk.delete_agent;
    if (deleteAgent) it('delete_agent: 204 with an empty body, then 404', async () => {
      const doomed = (await sdkCall(sdk.register_agent({ name: `${slug}-doomed` }))).body;
      const deleted = await sdkCall(deleteAgent(doomed.id));
      expect(deleted).toMatchObject({ status: 204, text: '' });
      expect(await sdkCall(deleteAgent(doomed.id))).toMatchObject({ status: 404, body: { error: 'agent not found' } });
      expect((await sdkCall(sdk.get_agent(doomed.id))).status).toBe(404);
    });

    it('errors the SDK maps: 401 wrong key, 404 unknown agent/session/memory, 409 duplicate memory', async () => {
      const stranger = make(wrongKey);
      for (const request of [stranger.recall(agent.id as string), stranger.get_agent(agent.id as string), stranger.remember(agent.id as string, 'x')]) {
        expect(await sdkCall(request)).toMatchObject({ status: 401, body: { error: expect.any(String) } });
      }
      const notFound = [
        sdk.get_agent('agent_000000000000000000000000'),
        sdk.get_agent('a/b/c'),
        sdk.get_agent('../admin'),
        sdk.get_session('sess_000000000000000000000000'),
        sdk.close_session('sess_000000000000000000000000'),
        sdk.raw_get('/api/v1/memories/0198c0de-0000-7000-8000-000000000000'),
      ];
      // Python and TypeScript encode the id; Go sends it raw, which is only a valid path for valid ids.
      if (!isGo) notFound.push(sdk.get_session('sess with space'));
      if (sdk.delete_agent) notFound.push(sdk.delete_agent('agent_000000000000000000000000'));
      for (const request of notFound) expect(await sdkCall(request)).toMatchObject({ status: 404, body: { error: expect.any(String) } });
      const again = await sdkCall(sdk.remember(agent.id as string, written.remember.content as string));
      expect(again).toMatchObject({ status: 409, body: { error: 'duplicate memory' } });
    });

    it('503 with "arc instance" in error for an org without a store binding, on every store route', async () => {
      const c = make(unbound);
      const requests = [
        c.remember('agent-c', `${slug}: no store`),
        c.add_memories([{ agent_id: 'agent-c', memory_type: 'episodic', event_type: 'general', content: `${slug}: no store either` }]),
        c.recall('agent-c'),
        c.list_memories({}),
        c.search_memories({ agent_id: 'agent-c' }),
        c.get_agent_stats('agent-c'),
        c.get_session_context('sess-c'),
        c.raw_get('/api/v1/memories/0198c0de-0000-7000-8000-000000000000'),
      ];
      if (c.get_agent_memories) requests.push(c.get_agent_memories('agent-c'));
      if (c.get_session_memories) requests.push(c.get_session_memories('sess-c'));
      for (const request of requests) {
        const reply = await sdkCall(request);
        expect(reply).toMatchObject({ status: 503, body: { error: expect.stringMatching(/arc instance/i) } });
      }
    });
  });

  it('get_agent_stats right after remember counts the memory, while the worker moves it into the store', async () => {
    // Counts merge the hot tier; a memory becoming visible in the store during the count was once
    // counted nowhere (stats said 0 about one time in thirty right after a write).
    const python = pythonSdk(targets[0].a);
    const wrong: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      expect((await sdkCall(python.remember(`stats-ryw-${i}`, `stats read-your-writes ${i}`))).status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, (i % 8) * 15)); // land at different points of the worker's cycle
      const stats = await sdkCall(python.get_agent_stats(`stats-ryw-${i}`));
      if (stats.body.memory_count !== 1 || stats.body.memories_24h !== 1 || stats.body.memory_types.episodic !== 1) wrong.push(`${i}: ${stats.text}`);
    }
    expect(wrong).toEqual([]);
  });
});
