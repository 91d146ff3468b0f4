import { AppProcess, createStack, RedisProcess, spawnRedis, TenantStack, waitFor } from '@memtrace/testing';
import { arcRows, expectNoDuplicatesThroughApi, waitForAcknowledged, writeLoad } from './ingest-fixtures';

jest.setTimeout(120_000);

/**
 * Redis is where a write is acknowledged. While it is gone the gateway must say so at once: a 503
 * (never a 201 hours later, never a write stored after its client was told it failed), an unready
 * /ready, and reads that fail instead of hanging. Each assertion below runs while Redis is still
 * down: the test brings it back only after the answers arrived, so a hang fails the test.
 */
describe('Redis outage (kill -9, AOF everysec)', () => {
  let redis: RedisProcess;
  let stack: TenantStack;
  let gateway: AppProcess;

  beforeAll(async () => {
    redis = await spawnRedis();
    stack = await createStack({ env: { REDIS_URL: redis.url } });
    await stack.spawn('query');
    gateway = await stack.spawn('gateway');
    await stack.spawn('ingest-worker');
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  const get = (path: string) => fetch(`${gateway.url()}${path}`, { headers: { 'x-api-key': stack.key }, signal: AbortSignal.timeout(10_000) });

  it('answers writes 503 and /ready unready while Redis is down, stores none of them, and recovers', async () => {
    const before = (await writeLoad([gateway], stack.key, 20, 'before')).filter((w) => w.status === 201);
    expect(before).toHaveLength(20);
    await waitForAcknowledged(stack, before);

    await redis.kill();
    // Fail fast means seconds (the target is 2 s), not ioredis's default minute of retries: an answer
    // that takes longer than this generous bound aborts the request and fails the test.
    const signal = () => AbortSignal.timeout(10_000);
    const write = (content: string) =>
      fetch(`${gateway.url()}/api/v1/memories`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': stack.key },
        body: JSON.stringify({ agent_id: 'agent_load', content }),
        signal: signal(),
      });
    const during = await Promise.all(Array.from({ length: 40 }, (_, n) => write(`during #${n}`)));
    expect(during.map((reply) => reply.status)).toEqual(during.map(() => 503));
    const refused = await write('during, read the body');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'could not queue the write; nothing was stored', code: 'queue_unavailable', hint: expect.stringContaining('Redis') });
    const ready = await fetch(`${gateway.url()}/ready`, { signal: signal() });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', reason: expect.stringContaining('redis_unreachable') });
    const read = await get('/api/v1/memories?since=1h');
    expect(read.status).toBe(503);
    expect(await read.json()).toMatchObject({ code: 'queue_unavailable', hint: expect.stringContaining('Redis') });

    await redis.start();
    await waitFor(async () => (await fetch(`${gateway.url()}/ready`)).status === 200, 30_000, 'the gateway to be ready again');
    const after = (await writeLoad([gateway], stack.key, 20, 'after')).filter((w) => w.status === 201);
    expect(after).toHaveLength(20);
    await waitForAcknowledged(stack, after);
    // The outage's writes were refused: none of them may appear later, through a late retry of ioredis.
    const stored = new Set((await arcRows(stack)).map((r) => r.content));
    expect([...stored].filter((content) => content.startsWith('during'))).toEqual([]);
    await expectNoDuplicatesThroughApi(stack, gateway);
  });
});
