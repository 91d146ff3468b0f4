import { Redis } from 'ioredis';
import { Memtrace, RateLimitError } from '@memtrace/sdk';
import { AppProcess, createStack, runCli, Stack, TestEnv } from '@memtrace/testing';
import { bootstrapKeyFrom } from './admin-fixtures';

jest.setTimeout(90_000);

/** Key limits small enough to exhaust in a test: 5 requests/s and 10 memories/s, bursts of 2 s. */
const LIMITS = {
  MEMTRACE_RATE_LIMIT_KEY_RPS: '5',
  MEMTRACE_RATE_LIMIT_KEY_MEMORIES_PER_SEC: '10',
  MEMTRACE_RATE_LIMIT_ORG_RPS: '1000',
  MEMTRACE_RATE_LIMIT_ORG_MEMORIES_PER_SEC: '10000',
  MEMTRACE_RATE_LIMIT_BURST_SECONDS: '2',
};
const KEY_BURST = 10;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * Rate limits per API key and per org, shared by every gateway through Redis: a burst past the
 * limit gets 429 with Retry-After and the IETF RateLimit headers, the limit lifts after it, two
 * gateways spend one budget, a batch counts its items, /mcp is limited too, and overrides set with
 * the CLI reach running gateways.
 */
describe('rate limits (two gateways, one Redis)', () => {
  let stack: Stack;
  let env: TestEnv;
  let a: AppProcess;
  let b: AppProcess;
  let admin: AppProcess;
  let operatorKey: string;

  beforeAll(async () => {
    stack = await createStack({ arc: false, env: LIMITS });
    env = stack.env;
    a = await stack.spawn('gateway');
    b = await stack.spawn('gateway');
    admin = await stack.spawn('admin');
    operatorKey = bootstrapKeyFrom(a);
  });
  afterAll(() => stack?.close());

  /** A fresh key of org_default, so each test starts with a full budget. */
  function newKey(name: string, org = 'org_default'): string {
    const result = runCli(['key', 'create', '--org', org, '--name', name, '--permissions', 'read,write', '--json'], env.env);
    if (result.code !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout).key;
  }

  async function call(gateway: AppProcess, key: string, path = '/api/v1/auth/verify', init: RequestInit = {}): Promise<Answer> {
    const response = await fetch(`${gateway.url()}${path}`, { ...init, headers: { 'x-api-key': key, 'content-type': 'application/json', ...init.headers } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  const write = (gateway: AppProcess, key: string, memories: number) =>
    call(gateway, key, '/api/v1/memories', {
      method: 'POST',
      body: JSON.stringify({ memories: Array.from({ length: memories }, (_, i) => ({ agent_id: 'limited', content: `memory ${i} ${Math.random()}` })) }),
    });

  it('answers a burst past the limit with 429, Retry-After and the RateLimit headers', async () => {
    const key = newKey('burst');
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(a, key)));
    const elapsedSeconds = (Date.now() - started) / 1000;
    const admitted = answers.filter((r) => r.status === 200).length;
    // The burst, plus what the rate refilled while the requests were in flight.
    expect(admitted).toBeGreaterThanOrEqual(KEY_BURST);
    expect(admitted).toBeLessThanOrEqual(KEY_BURST + Math.ceil(elapsedSeconds * 5));
    const refused = answers.filter((r) => r.status === 429);
    expect(refused.length).toBe(20 - admitted);
    const first = refused[0];
    expect(first.body).toEqual({ error: 'rate limit exceeded (key-requests)', hint: expect.stringContaining('retry after'), code: 'rate_limited' });
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(first.headers.get('ratelimit-policy')).toBe(`"key-requests";q=${KEY_BURST};w=2, "org-requests";q=2000;w=2`);
    expect(first.headers.get('ratelimit')).toMatch(/^"key-requests";r=0;t=\d+, "org-requests";r=\d+;t=\d+$/);
    // Admitted answers carry them too.
    const ok = answers.find((r) => r.status === 200)!;
    expect(ok.headers.get('ratelimit')).toMatch(/^"key-requests";r=\d+;t=\d+/);
  });

  it('lifts the limit after Retry-After', async () => {
    const key = newKey('lifts');
    let refused: Answer | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const answer = await call(a, key);
      if (answer.status === 429) refused = answer;
    }
    expect(refused).toBeDefined();
    const waitSeconds = Number(refused!.headers.get('retry-after'));
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
    expect((await call(a, key)).status).toBe(200);
  });

  it('makes two gateways share one budget', async () => {
    const key = newKey('shared');
    const started = Date.now();
    const answers: Answer[] = [];
    for (let i = 0; i < 24; i++) answers.push(await call(i % 2 === 0 ? a : b, key));
    const elapsedSeconds = (Date.now() - started) / 1000;
    const admittedOn = (gateway: AppProcess) => answers.filter((r, i) => r.status === 200 && (i % 2 === 0 ? a : b) === gateway).length;
    const admitted = admittedOn(a) + admittedOn(b);
    // One budget of 10 (plus refill), not 10 per gateway; both gateways served some of it.
    expect(admitted).toBeGreaterThanOrEqual(KEY_BURST);
    expect(admitted).toBeLessThanOrEqual(KEY_BURST + Math.ceil(elapsedSeconds * 5));
    expect(admittedOn(a)).toBeGreaterThan(0);
    expect(admittedOn(b)).toBeGreaterThan(0);
  });

  it('counts the items of a batch against memories/s, and writes nothing it refuses', async () => {
    // Writes are only queued here (no worker): the gateway needs a binding to exist, not to answer.
    expect(runCli(['org', 'add-arc', 'org_default', '--url', 'http://127.0.0.1:9', '--database', 'limits'], env.env).code).toBe(0);
    const key = newKey('memories');
    const first = await write(a, key, 15);
    expect(first.status).toBe(201);
    expect(first.body.count).toBe(15);
    const second = await write(b, key, 15);
    expect(second.status).toBe(429);
    expect(second.body.error).toBe('rate limit exceeded (key-memories)');
    expect(second.headers.get('ratelimit-policy')).toContain('"key-memories";q=20;w=2');
    // Only the first batch reached Redis: its 15 memories are in the hot tier, none of the second's.
    const redis = new Redis(env.env.REDIS_URL);
    try {
      expect(await redis.zcard(`${env.env.MEMTRACE_REDIS_PREFIX}:hot:org_default:time`)).toBe(15);
    } finally {
      await redis.quit();
    }
    // A batch larger than the burst can never pass: it says so instead of asking for a retry.
    const tooBig = await write(a, newKey('too-big'), 21);
    expect(tooBig.status).toBe(429);
    expect(tooBig.body.error).toMatch(/writes 21 memories, more than the key-memories limit lets through at once \(20\)/);
    expect(tooBig.headers.get('retry-after')).toBe('1');
  });

  it('limits /mcp like the REST API', async () => {
    const key = newKey('mcp');
    const mcp = () =>
      call(a, key, '/mcp', {
        method: 'POST',
        headers: { accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      }).catch(() => ({ status: 0 }) as Answer);
    const statuses: number[] = [];
    for (let i = 0; i < 30 && !statuses.includes(429); i++) statuses.push((await mcp()).status);
    expect(statuses).toContain(429);
  });

  it('applies per-org overrides set with the CLI on running gateways, and the admin API shows them', async () => {
    const key = newKey('override');
    const set = runCli(['org', 'limits', 'set', 'org_default', '--key-requests-per-second', '50', '--json'], env.env);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).limits.key_requests_per_second).toBe(50);
    // The change reaches both gateways over Redis pub/sub: poll until each advertises the new burst.
    for (const gateway of [a, b]) {
      let policy = '';
      for (let i = 0; i < 100 && !policy.startsWith('"key-requests";q=100;'); i++) {
        policy = (await call(gateway, key)).headers.get('ratelimit-policy') ?? '';
      }
      expect(policy).toMatch(/^"key-requests";q=100;w=2/);
    }
    const shown = await fetch(`${admin.url()}/admin/v1/orgs/org_default/limits`, { headers: { 'x-api-key': operatorKey } });
    expect(shown.status).toBe(200);
    expect(await shown.json()).toEqual({
      org_id: 'org_default',
      limits: { requests_per_second: 1000, memories_per_second: 10000, key_requests_per_second: 50, key_memories_per_second: 10 },
      overrides: { requests_per_second: null, memories_per_second: null, key_requests_per_second: 50, key_memories_per_second: null },
      burst_seconds: 2,
    });
    const reset = await fetch(`${admin.url()}/admin/v1/orgs/org_default/limits`, { method: 'DELETE', headers: { 'x-api-key': operatorKey } });
    expect(((await reset.json()) as any).overrides.key_requests_per_second).toBeNull();
  });

  it('refuses bad limits with 400 and changes nothing; a tenant admin may read its own limits but not raise them', async () => {
    const put = (key: string, org: string, body: unknown) =>
      fetch(`${admin.url()}/admin/v1/orgs/${org}/limits`, { method: 'PUT', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const body of [{}, { requests_per_second: 0 }, { requests_per_second: 1.5 }, { requests_per_second: '10' }, { rps: 5 }]) {
      const answer = await put(operatorKey, 'org_default', body);
      expect(answer.status).toBe(400);
    }
    const after = await fetch(`${admin.url()}/admin/v1/orgs/org_default/limits`, { headers: { 'x-api-key': operatorKey } });
    expect(((await after.json()) as any).overrides).toEqual({ requests_per_second: null, memories_per_second: null, key_requests_per_second: null, key_memories_per_second: null });
    expect((await put(operatorKey, 'org_missing', { requests_per_second: 5 })).status).toBe(404);
    const created = runCli(['org', 'create', 'tenant-limits', '--json'], env.env);
    const tenantOrg = JSON.parse(created.stdout).id as string;
    const tenantAdmin = JSON.parse(runCli(['key', 'create', '--org', tenantOrg, '--name', 'admin', '--permissions', 'admin', '--json'], env.env).stdout).key;
    const own = await fetch(`${admin.url()}/admin/v1/orgs/${tenantOrg}/limits`, { headers: { 'x-api-key': tenantAdmin } });
    expect(own.status).toBe(200);
    expect(((await own.json()) as any).overrides.requests_per_second).toBeNull();
    expect((await put(tenantAdmin, tenantOrg, { requests_per_second: 1_000_000 })).status).toBe(403);
    // Another org's limits look like a missing org.
    expect((await fetch(`${admin.url()}/admin/v1/orgs/org_default/limits`, { headers: { 'x-api-key': tenantAdmin } })).status).toBe(404);
    const shown = runCli(['org', 'limits', 'show', tenantOrg, '--json'], env.env);
    expect(JSON.parse(shown.stdout).overrides.requests_per_second).toBeNull();
  });

  it("gives the SDK a RateLimitError carrying the server's Retry-After", async () => {
    const client = new Memtrace(a.url(), newKey('sdk'), { maxRetries: 0 });
    let caught: unknown;
    for (let i = 0; i < 40 && !caught; i++) {
      await client.listAgents().catch((error: unknown) => (caught = error));
    }
    expect(caught).toBeInstanceOf(RateLimitError);
    expect((caught as RateLimitError).statusCode).toBe(429);
    expect((caught as RateLimitError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });
});
