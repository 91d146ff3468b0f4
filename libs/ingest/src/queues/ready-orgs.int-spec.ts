import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Claim, ReadyOrgs } from './ready-orgs';

describe('ReadyOrgs (real Redis; a gateway and two workers as separate connections)', () => {
  const prefix = `t_${randomBytes(6).toString('hex')}`;
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const connections = [new Redis(url), new Redis(url), new Redis(url), new Redis(url)];
  const [gatewayConnection, workerA, workerB, blocking] = connections;
  const gateway = new ReadyOrgs(gatewayConnection, prefix);
  const a = new ReadyOrgs(workerA, prefix);
  const b = new ReadyOrgs(workerB, prefix);
  const LEASE = 30_000;

  afterEach(async () => {
    const keys = await workerA.keys(`${prefix}:*`);
    if (keys.length) await workerA.del(...keys);
  });
  afterAll(() => Promise.all(connections.map((c) => c.quit())));

  const claimed = async (ready: ReadyOrgs): Promise<Claim> => {
    const claim = await ready.claim(LEASE);
    if (!claim.orgId) throw new Error('expected a claim');
    return claim as Claim;
  };

  it('an org without a signal costs nothing: nothing to claim, nothing waiting', async () => {
    expect(await a.claim(LEASE)).toEqual({});
    expect(await workerA.keys(`${prefix}:*`)).toEqual([]);
  });

  it('hands out due orgs oldest first, each to one worker at a time', async () => {
    await gateway.signal('org_1');
    await gateway.signal('org_2');
    await gateway.signal('org_1'); // still due since its first signal: keeps its place
    const first = await claimed(a);
    const second = await claimed(b);
    expect([first.orgId, second.orgId]).toEqual(['org_1', 'org_2']);
    // Both are held: a third claim gets nothing, and is told when a lease runs out.
    const none = await a.claim(LEASE);
    expect(none.orgId).toBeUndefined();
    expect(none.nextDueInMs).toBeGreaterThan(LEASE - 1_000);
  });

  it('an org found empty is forgotten, unless a signal came after the claim', async () => {
    await gateway.signal('org_1');
    const claim = await claimed(a);
    expect(await a.release(claim, { kind: 'empty' })).toBe(true);
    expect(await b.claim(LEASE)).toEqual({});

    await gateway.signal('org_1');
    const again = await claimed(a);
    // The gateway's job landed after the worker looked, and its signal before the release.
    await gateway.signal('org_1');
    expect(await a.release(again, { kind: 'empty' })).toBe(false);
    expect((await claimed(b)).orgId).toBe('org_1');
  });

  it('a signal during a turn makes the org due at once, even when the turn asked to look again later', async () => {
    await gateway.signal('org_1');
    const claim = await claimed(a);
    await gateway.signal('org_1'); // a job added while worker A held the org
    await a.release(claim, { kind: 'again', afterMs: 30_000 });
    expect((await claimed(b)).orgId).toBe('org_1');
  });

  it('an org with work left goes behind the orgs that were waiting (round robin)', async () => {
    await gateway.signal('org_busy');
    const busy = await claimed(a);
    await gateway.signal('org_new');
    await a.release(busy, { kind: 'again', afterMs: 0 });
    expect((await claimed(a)).orgId).toBe('org_new');
    expect((await claimed(b)).orgId).toBe('org_busy');
  });

  it('an org due later is not handed out before its time, and a new signal makes it due at once', async () => {
    await gateway.signal('org_1');
    await a.release(await claimed(a), { kind: 'again', afterMs: 60_000 });
    const none = await b.claim(LEASE);
    expect(none.orgId).toBeUndefined();
    expect(none.nextDueInMs).toBeGreaterThan(50_000);
    await gateway.signal('org_1');
    expect((await claimed(b)).orgId).toBe('org_1');
  });

  it("a dead worker's lease runs out and another worker takes the org over; a live one renews it", async () => {
    await gateway.signal('org_1');
    await gateway.signal('org_2');
    await a.claim(50); // worker A dies holding org_1 with a 50 ms lease
    const held = await b.claim(LEASE);
    expect(held.orgId).toBe('org_2');
    const afterExpiry = await new Promise<Claim>((resolve, reject) => {
      const poll = () => b.claim(LEASE).then((c) => (c.orgId ? resolve(c as Claim) : setTimeout(poll, 10)), reject);
      void poll();
    });
    expect(afterExpiry.orgId).toBe('org_1');
    expect(await b.renew('org_1', LEASE)).toBe(true);
    await b.release(afterExpiry, { kind: 'empty' });
    expect(await b.renew('org_1', LEASE)).toBe(false);
  });

  it('a signal wakes a blocked worker; a timeout returns without one', async () => {
    const started = Date.now();
    await a.waitForSignal(blocking, 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    const woken = a.waitForSignal(blocking, 10_000);
    await gateway.signal('org_1');
    await woken;
    expect((await claimed(a)).orgId).toBe('org_1');
  });

  it('keeps every key of the protocol in one Redis Cluster slot', () => {
    const tags = Object.values(gateway.keys).map((key) => /\{([^}]+)\}/.exec(key)?.[1]);
    expect(new Set(tags)).toEqual(new Set(['ready']));
  });
});
