import { randomUUID } from 'node:crypto';
import { AppProcess, createStack, TenantStack } from '@memtrace/testing';
import { Redis } from 'ioredis';
import { arcRows, expectNoDuplicatesThroughApi, waitForAcknowledged } from './ingest-fixtures';

jest.setTimeout(90_000);

interface Reply {
  status: number;
  replayed: string | null;
  body: any;
}

/** `Idempotency-Key` on POST /api/v1/memories, across two gateway processes (Stripe's contract). */
describe('idempotent writes', () => {
  let stack: TenantStack;
  let gateways: AppProcess[];

  beforeAll(async () => {
    stack = await createStack();
    await stack.spawn('query');
    gateways = [await stack.spawn('gateway'), await stack.spawn('gateway')];
    await stack.spawn('ingest-worker');
  });
  afterAll(() => stack?.close());

  async function post(gateway: AppProcess, body: unknown, key?: string): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': stack.key };
    if (key !== undefined) headers['idempotency-key'] = key;
    const reply = await fetch(`${gateway.url()}/api/v1/memories`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: reply.status, replayed: reply.headers.get('idempotent-replayed'), body: await reply.json() };
  }

  it('answers a retry on another gateway with the original response and the same id, storing one memory', async () => {
    const key = randomUUID();
    const body = { agent_id: 'agent_load', content: 'idempotent single' };
    const first = await post(gateways[0], body, key);
    expect(first).toMatchObject({ status: 201, replayed: null });
    const retry = await post(gateways[1], body, key);
    expect(retry).toEqual({ status: 201, replayed: 'true', body: first.body });
    await waitForAcknowledged(stack, [{ status: 201, id: first.body.id, content: body.content }]);
    expect((await arcRows(stack)).filter((r) => r.content === body.content)).toHaveLength(1);
  });

  it('replays a batch with the same ids', async () => {
    const key = randomUUID();
    const body = { memories: [{ agent_id: 'agent_load', content: 'batch one' }, { agent_id: 'agent_load', content: 'batch two' }] };
    const first = await post(gateways[1], body, key);
    expect(first.status).toBe(201);
    const retry = await post(gateways[0], body, key);
    expect(retry).toEqual({ status: 201, replayed: 'true', body: first.body });
  });

  it('refuses the same key with a different body (422) and a malformed key (400), storing nothing', async () => {
    const key = randomUUID();
    expect((await post(gateways[0], { agent_id: 'agent_load', content: 'original body' }, key)).status).toBe(201);
    const other = await post(gateways[1], { agent_id: 'agent_load', content: 'another body' }, key);
    expect(other).toMatchObject({ status: 422, body: { error: 'this Idempotency-Key was used with a different request body', code: 'idempotency_mismatch' } });
    for (const bad of ['', 'x'.repeat(256), 'with space']) {
      const reply = await post(gateways[0], { agent_id: 'agent_load', content: `bad key ${bad.length}` }, bad);
      expect(reply).toMatchObject({ status: 400, body: { error: 'invalid Idempotency-Key header' } });
    }
    const stored = (await arcRows(stack)).map((r) => r.content);
    expect(stored.filter((c) => c === 'another body' || c.startsWith('bad key'))).toEqual([]);
  });

  it('concurrent requests with one key on two gateways never make two memories', async () => {
    const key = randomUUID();
    const body = { agent_id: 'agent_load', content: 'raced with one key' };
    const replies = await Promise.all([post(gateways[0], body, key), post(gateways[1], body, key), post(gateways[0], body, key)]);
    const created = replies.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    // A request that met the first one still running is told so, not given a second memory.
    expect(replies.filter((r) => r.status !== 201).map((r) => r.body.error)).toEqual(
      replies.filter((r) => r.status !== 201).map(() => 'a request with this Idempotency-Key is still in progress'),
    );
    await waitForAcknowledged(stack, [{ status: 201, id: created[0].body.id, content: body.content }]);
  });

  it('a retry whose first answer was lost (key expired, write stored) names the same memory instead of a 409', async () => {
    const key = randomUUID();
    const body = { agent_id: 'agent_load', content: 'answer lost in transit' };
    const first = await post(gateways[0], body, key);
    expect(first.status).toBe(201);
    // As if the first attempt had answered 503 after its writes reached Redis: no stored answer.
    const redis = new Redis(stack.env.env.REDIS_URL);
    const keys = await redis.keys(`${stack.env.env.MEMTRACE_REDIS_PREFIX}:idem:${stack.orgId}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    await redis.quit();
    const retry = await post(gateways[1], body, key);
    expect(retry).toMatchObject({ status: 201, replayed: null, body: { id: first.body.id } });
    // Without a key the same content is still a duplicate (409), as upstream.
    expect((await post(gateways[1], body)).status).toBe(409);
    await waitForAcknowledged(stack, [{ status: 201, id: first.body.id, content: body.content }]);
    await expectNoDuplicatesThroughApi(stack, gateways[0]);
  });
});
