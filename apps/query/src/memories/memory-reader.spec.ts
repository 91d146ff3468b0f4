import { MemoryFilter, MemoryQuery, MemoryRecord } from '@memtrace/contracts';
import { Metrics } from '@memtrace/observability';
import { compareRecords, countRecordsByBucket, matchesFilter, MemoryStore, StoreRegistry } from '@memtrace/store';
import { HotTier } from '@memtrace/ingest';
import fc from 'fast-check';
import { memoryRecord } from '@memtrace/testing';
import { MemoryReader } from './memory-reader';
import { ReadAdmission } from './read-admission';

const T0 = Date.UTC(2026, 1, 7, 20) * 1000;
const rec = (n: number, fields: Partial<MemoryRecord> = {}) =>
  memoryRecord({ id: `018f0000-0000-7000-8000-${String(n).padStart(12, '0')}`, timeUs: T0 + n, ...fields });

/** A store that holds `rows` and answers like the real ones (filter, order, page). */
function fakeStore(rows: MemoryRecord[]): MemoryStore {
  const matching = (filter: MemoryFilter) => rows.filter((r) => r.orgId === filter.orgId && matchesFilter(r, filter));
  return {
    query: async (q: MemoryQuery) => matching(q.filter).sort(compareRecords(q.order)).slice(q.offset ?? 0, (q.offset ?? 0) + q.limit),
    // Like the SQL (COUNT(DISTINCT id)): a row stored twice is one memory.
    count: async (filter: MemoryFilter) => new Set(matching(filter).map((r) => r.id)).size,
    countByType: async (filter: MemoryFilter) => {
      const counts: Record<string, number> = {};
      for (const r of new Map(matching(filter).map((row) => [row.id, row])).values()) counts[r.memoryType] = (counts[r.memoryType] ?? 0) + 1;
      return counts;
    },
    countByBucket: async (filter: MemoryFilter, bucketUs: number) => countRecordsByBucket(matching(filter), bucketUs),
    findVisibleIds: async (orgId: string, ids: readonly string[], minUs: number, maxUs: number) =>
      new Set(rows.filter((r) => r.orgId === orgId && ids.includes(r.id) && r.timeUs >= minUs && r.timeUs <= maxUs).map((r) => r.id)),
  } as unknown as MemoryStore;
}

function reader(stored: MemoryRecord[], hot: MemoryRecord[]): MemoryReader {
  const registry = { forOrg: async () => fakeStore(stored) } as unknown as StoreRegistry;
  const hotTier = { find: async (filter: MemoryFilter) => hot.filter((r) => r.orgId === filter.orgId && matchesFilter(r, filter)) } as unknown as HotTier;
  return new MemoryReader(registry, hotTier, new ReadAdmission(1_000), new Metrics());
}

describe('MemoryReader', () => {
  describe('rows stored more than once (a retried batch)', () => {
    it('shows each id once on every page, with exact paging, whatever the copies', () =>
      fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 40 }),
          fc.uniqueArray(fc.integer({ min: 0, max: 39 }), { maxLength: 5 }),
          fc.integer({ min: 1, max: 7 }),
          fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
          async (copies, hotIds, limit, order) => {
            const stored = copies.flatMap((n, i) => Array.from({ length: n }, () => rec(i + 1)));
            const hot = hotIds.map((i) => rec(i + 1));
            const expected = [...new Set([...stored, ...hot].sort(compareRecords(order)).map((r) => r.id))];
            const subject = reader(stored, hot);
            const seen: string[] = [];
            for (let offset = 0; offset <= expected.length; offset += limit) {
              const page = await subject.query({ filter: { orgId: 'org_a' }, order, limit, offset });
              expect(page.length).toBe(Math.min(limit, Math.max(0, expected.length - offset)));
              seen.push(...page.map((r) => r.id));
            }
            expect(seen).toEqual(expected);
            await expect(subject.count({ orgId: 'org_a' })).resolves.toBe(expected.length);
          },
        ),
        { numRuns: 150 },
      ));
  });

  const stored = [rec(1), rec(2, { memoryType: 'decision' }), rec(3, { orgId: 'org_b' })];
  const hot = [rec(2, { memoryType: 'decision' }), rec(4), rec(5, { memoryType: 'entity', agentId: 'agent_2' }), rec(6, { orgId: 'org_b' })];

  it('reads the union of store and hot tier, one row per id, newest first', async () => {
    const rows = await reader(stored, hot).query({ filter: { orgId: 'org_a' }, order: 'desc', limit: 10 });
    expect(rows.map((r) => r.id.slice(-1))).toEqual(['5', '4', '2', '1']);
  });

  it('applies the filter to the hot tier too', async () => {
    const rows = await reader(stored, hot).query({ filter: { orgId: 'org_a', agentId: 'agent_1' }, order: 'asc', limit: 10 });
    expect(rows.map((r) => r.id.slice(-1))).toEqual(['1', '2', '4']);
  });

  it('pages the merged rows', async () => {
    const rows = await reader(stored, hot).query({ filter: { orgId: 'org_a' }, order: 'desc', limit: 2, offset: 1 });
    expect(rows.map((r) => r.id.slice(-1))).toEqual(['4', '2']);
  });

  it('counts rows of both tiers once each, per type as well', async () => {
    const subject = reader(stored, hot);
    await expect(subject.count({ orgId: 'org_a' })).resolves.toBe(4);
    await expect(subject.countByType({ orgId: 'org_a' })).resolves.toEqual({ episodic: 2, decision: 1, entity: 1 });
    await expect(subject.count({ orgId: 'org_b' })).resolves.toBe(2);
  });

  it('counts per bucket and type across both tiers, once per id, errors included', async () => {
    const subject = reader([...stored, rec(8, { eventType: 'error' })], [...hot, rec(9, { eventType: 'error', memoryType: 'decision' })]);
    const cells = await subject.countByBucket({ orgId: 'org_a' }, 4);
    // T0 is a multiple of 4: ids 1-3 fall in [T0, T0+4), 4-7 in the next, 8-9 in the one after.
    expect(cells.sort((a, b) => a.bucketUs - b.bucketUs || a.memoryType.localeCompare(b.memoryType))).toEqual([
      { bucketUs: T0, memoryType: 'decision', count: 1, errors: 0 },
      { bucketUs: T0, memoryType: 'episodic', count: 1, errors: 0 },
      { bucketUs: T0 + 4, memoryType: 'entity', count: 1, errors: 0 },
      { bucketUs: T0 + 4, memoryType: 'episodic', count: 1, errors: 0 },
      { bucketUs: T0 + 8, memoryType: 'decision', count: 1, errors: 1 },
      { bucketUs: T0 + 8, memoryType: 'episodic', count: 1, errors: 1 },
    ]);
  });

  it('counts a hot row exactly once while it becomes visible in the store during the count', async () => {
    for (const method of ['count', 'countByType', 'countByBucket'] as const) {
      const landing = rec(7, { memoryType: 'decision' });
      const rows = [rec(1)];
      const store = fakeStore(rows);
      const aggregate = store[method].bind(store) as (filter: MemoryFilter, bucketUs?: number) => Promise<unknown>;
      // The row lands right after the first aggregate read the store without it.
      (store as unknown as Record<string, unknown>)[method] = async (filter: MemoryFilter, bucketUs?: number) => {
        const result = await aggregate(filter, bucketUs);
        if (!rows.includes(landing)) rows.push(landing);
        return result;
      };
      const subject = new MemoryReader({ forOrg: async () => store } as unknown as StoreRegistry, { find: async () => [landing] } as unknown as HotTier, new ReadAdmission(1_000), new Metrics());
      const expected = {
        count: 2,
        countByType: { episodic: 1, decision: 1 },
        countByBucket: [{ bucketUs: T0, memoryType: 'decision', count: 1, errors: 0 }, { bucketUs: T0, memoryType: 'episodic', count: 1, errors: 0 }],
      }[method];
      const answer = method === 'countByBucket' ? await subject.countByBucket({ orgId: 'org_a' }, 1_000) : await subject[method]({ orgId: 'org_a' });
      expect(Array.isArray(answer) ? [...answer].sort((a, b) => a.memoryType.localeCompare(b.memoryType)) : answer).toEqual(expected);
    }
  });

  it('reads only the store when nothing is unconfirmed', async () => {
    const rows = await reader(stored, []).query({ filter: { orgId: 'org_a' }, order: 'desc', limit: 1 });
    expect(rows.map((r) => r.id.slice(-1))).toEqual(['2']);
  });
});
