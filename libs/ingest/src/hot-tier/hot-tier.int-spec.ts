import { randomBytes, randomUUID } from 'node:crypto';
import { MemoryRecord } from '@memtrace/contracts';
import { Redis } from 'ioredis';
import { HotTier } from './hot-tier';

const record = (over: Partial<MemoryRecord>): MemoryRecord => ({
  id: randomUUID(),
  timeUs: 1_763_780_400_000_000,
  orgId: 'org_a',
  agentId: 'agent_1',
  sessionId: '',
  memoryType: 'episodic',
  eventType: 'general',
  content: 'hello',
  metadata: null,
  tags: [],
  dedupKey: '',
  importance: 0,
  parentId: '',
  ...over,
});

describe('HotTier (real Redis, two independent connections as two gateway processes)', () => {
  const prefix = `t_${randomBytes(6).toString('hex')}`;
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const gatewayA = new Redis(url);
  const gatewayB = new Redis(url);
  const a = new HotTier(gatewayA, prefix);
  const b = new HotTier(gatewayB, prefix);

  afterAll(async () => {
    const keys = await gatewayA.keys(`${prefix}:*`);
    if (keys.length) await gatewayA.del(...keys);
    await Promise.all([gatewayA.quit(), gatewayB.quit()]);
  });

  it('a write made through one process is found through the other, with the same filter semantics as the store', async () => {
    const t = 1_763_780_400_000_000;
    const rows = [
      record({ timeUs: t + 1, agentId: 'agent_1', tags: ['prod', 'eu'] }),
      record({ timeUs: t + 2, agentId: 'agent_1', tags: ['products'] }),
      record({ timeUs: t + 3, agentId: 'agent_2', tags: ['prod'] }),
      record({ timeUs: t + 4, orgId: 'org_b', agentId: 'agent_1', tags: ['prod'] }),
    ];
    await a.add('org_a', rows.slice(0, 3));
    await a.add('org_b', rows.slice(3));

    const found = await b.find({ orgId: 'org_a', agentId: 'agent_1', tags: ['prod'] });
    expect(found.map((r) => r.id)).toEqual([rows[0].id]);
    const windowed = await b.find({ orgId: 'org_a', sinceUs: t + 1, untilUs: t + 3 });
    expect(windowed.map((r) => r.id)).toEqual([rows[1].id]);
    expect((await b.find({ orgId: 'org_b' })).map((r) => r.id)).toEqual([rows[3].id]);
  });

  it('trimming after confirmation removes exactly the confirmed rows', async () => {
    const rows = [record({ orgId: 'org_c' }), record({ orgId: 'org_c' })];
    await a.add('org_c', rows);
    expect(await b.size('org_c')).toBe(2);
    await b.remove('org_c', [rows[0].id]);
    expect((await a.find({ orgId: 'org_c' })).map((r) => r.id)).toEqual([rows[1].id]);
  });

  it('sweeps only entries older than the maximum age', async () => {
    const now = 1_763_780_400_000_000;
    const old = record({ orgId: 'org_d', timeUs: now - 10 * 60_000_000 });
    const fresh = record({ orgId: 'org_d', timeUs: now - 1_000_000 });
    await a.add('org_d', [old, fresh]);
    expect(await a.sweep('org_d', 5 * 60_000, now)).toBe(1);
    expect((await b.find({ orgId: 'org_d' })).map((r) => r.id)).toEqual([fresh.id]);
  });
});
