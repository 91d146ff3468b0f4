import { randomBytes } from 'node:crypto';
import { AppConfig } from '@memtrace/config';
import { RedisService } from '@memtrace/redis';
import { RedisClusterProcess, spawnRedisCluster } from '@memtrace/testing';
import { LimitCheck, RateLimiter } from './rate-limiter';

describe('RateLimiter (GCRA on a real Redis)', () => {
  const redis = new RedisService(AppConfig.fromEnv({ REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379' }));
  const limiter = new RateLimiter(redis);
  const prefix = `t_${randomBytes(6).toString('hex')}`;
  let n = 0;
  const key = () => `${prefix}:${++n}`;

  beforeAll(() => redis.onModuleInit());
  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}:*`);
    if (keys.length) await redis.client.del(...keys);
    await redis.onModuleDestroy();
  });

  // One unit per hour refills: within a test the budget is exactly the burst.
  const slow = (policy: string, burst: number, cost = 1, redisKey = key()): LimitCheck => ({ policy, key: redisKey, perSecond: 1 / 3600, burst, cost });

  it('admits exactly the burst, then refuses with the time until one unit is back', async () => {
    const check = slow('p', 3);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume([check]));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.states[0].remaining)).toEqual([2, 1, 0, 0]);
    // One unit per hour: the retry is an hour away, and the burst refills in three.
    expect(decisions[3].retryAfterSeconds).toBeGreaterThan(3590);
    expect(decisions[3].retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(decisions[3].states[0]).toMatchObject({ policy: 'p', quota: 3, windowSeconds: 3 * 3600 });
    expect(decisions[3].states[0].resetSeconds).toBeGreaterThan(3 * 3600 - 10);
  });

  it('decides the requests of one turn on the same limits together, in arrival order, as one at a time would', async () => {
    const wide = key();
    const narrow = key();
    const checks = (cost: number) => [slow('wide', 10, cost, wide), slow('narrow', 3, 1, narrow)];
    const script = jest.spyOn(redis.client as unknown as Record<string, () => unknown>, 'memtraceGcra2');
    // Issued together: the 2nd costs 10 with 9 of the wide 10 left and is refused, spending nothing, so the 3rd
    // and 4th still pass; the 5th finds the narrow limit spent by the 1st, 3rd and 4th.
    const decisions = await Promise.all([1, 10, 2, 3, 1].map((cost) => limiter.consume(checks(cost))));
    // One command carrying all five (ioredis may invoke it twice internally, with the same arguments).
    const sent = new Set(script.mock.calls.map((args) => JSON.stringify(args)));
    expect(sent.size).toBe(1);
    expect((script.mock.calls[0] as unknown[])[6]).toBe(5);
    script.mockRestore();
    expect(decisions.map((d) => d.allowed)).toEqual([true, false, true, true, false]);
    expect(decisions.map((d) => d.states.map((s) => s.remaining))).toEqual([[9, 2], [9, 2], [7, 1], [4, 0], [4, 0]]);
    const next = await limiter.consume([slow('wide', 10, 4, wide)]);
    expect(next).toMatchObject({ allowed: true, states: [{ remaining: 0 }] });
  });

  it('refuses atomically: a request refused by one limit spends nothing of the others', async () => {
    const wide = key();
    const narrow = key();
    for (let i = 0; i < 2; i++) expect((await limiter.consume([slow('wide', 10, 1, wide), slow('narrow', 2, 1, narrow)])).allowed).toBe(true);
    const refused = await limiter.consume([slow('wide', 10, 1, wide), slow('narrow', 2, 1, narrow)]);
    expect(refused.allowed).toBe(false);
    expect(refused.states.map((s) => s.remaining)).toEqual([8, 0]);
    // The wide limit still has its 8.
    expect((await limiter.consume([slow('wide', 10, 8, wide)])).allowed).toBe(true);
    expect((await limiter.consume([slow('wide', 10, 1, wide)])).allowed).toBe(false);
  });

  it('charges a cost of several units at once, and refuses one larger than what is left', async () => {
    const shared = key();
    expect((await limiter.consume([slow('memories', 10, 7, shared)])).allowed).toBe(true);
    const refused = await limiter.consume([slow('memories', 10, 4, shared)]);
    expect(refused.allowed).toBe(false);
    expect(refused.states[0].remaining).toBe(3);
    expect((await limiter.consume([slow('memories', 10, 3, shared)])).allowed).toBe(true);
  });

  it('refills at its rate: a spent budget passes again after the Retry-After it was given', async () => {
    const check: LimitCheck = { policy: 'fast', key: key(), perSecond: 20, burst: 2, cost: 1 };
    await limiter.consume([check]);
    await limiter.consume([check]);
    const refused = await limiter.consume([check]);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(1); // 50 ms, rounded up to whole seconds
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterSeconds * 1000));
    expect((await limiter.consume([check])).allowed).toBe(true);
  });

  it('keeps no key longer than its budget needs to refill', async () => {
    const check: LimitCheck = { policy: 'ttl', key: key(), perSecond: 10, burst: 20, cost: 5 };
    await limiter.consume([check]);
    const ttl = await redis.client.pttl(check.key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(501);
  });
});

describe('RateLimiter on a Redis Cluster (three masters)', () => {
  let cluster: RedisClusterProcess;
  let redis: RedisService;

  beforeAll(async () => {
    cluster = await spawnRedisCluster();
    redis = new RedisService(AppConfig.fromEnv({ REDIS_CLUSTER_NODES: cluster.nodes }));
    await redis.onModuleInit();
    // Three redis-server processes and a cluster handshake: seconds on a loaded CI machine.
  }, 60_000);
  afterAll(async () => {
    await redis?.onModuleDestroy();
    await cluster?.stop();
  }, 30_000);

  it("shares the auto-pipeline with other orgs' commands without breaking them", async () => {
    const limiter = new RateLimiter(redis);
    // Checks of several orgs and plain commands on other orgs' keys, all issued in one tick: the
    // client groups them per node, so a check routed by anything but its own keys would fail its
    // node's whole pipeline ("All keys in the pipeline should belong to the same slots allocation group").
    const orgs = Array.from({ length: 30 }, (_, i) => `org_${i}`);
    const results = await Promise.all(
      orgs.flatMap((org) => [
        limiter.consume([
          { policy: 'key', key: `rl:{${org}}:key`, perSecond: 10, burst: 10, cost: 1 },
          { policy: 'org', key: `rl:{${org}}:org`, perSecond: 10, burst: 10, cost: 1 },
        ]).then((d) => d.allowed),
        redis.client.set(`other:{${org}}`, '1').then((reply) => reply === 'OK'),
      ]),
    );
    expect(results.every(Boolean)).toBe(true);
  });
});
