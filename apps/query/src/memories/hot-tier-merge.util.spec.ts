import fc from 'fast-check';
import { MemoryQuery, MemoryRecord } from '@memtrace/contracts';
import { compareRecords } from '@memtrace/store';
import { memoryRecord } from '@memtrace/testing';
import { mergeHotTier, storeWindow } from './hot-tier-merge.util';

const T0 = Date.UTC(2026, 1, 7, 20) * 1000;

function rec(n: number, timeOffsetUs: number, content = `m${n}`): MemoryRecord {
  return memoryRecord({ id: `018f0000-0000-7000-8000-${String(n).padStart(12, '0')}`, timeUs: T0 + timeOffsetUs, content });
}

/** What a store holding exactly `rows` answers to `query` (ordered by time then id, paged). */
function storeAnswer(rows: readonly MemoryRecord[], query: MemoryQuery): MemoryRecord[] {
  const offset = query.offset ?? 0;
  return [...rows].sort(compareRecords(query.order)).slice(offset, offset + query.limit);
}

describe('mergeHotTier', () => {
  const query = (order: 'asc' | 'desc', limit: number, offset = 0): MemoryQuery => ({ filter: { orgId: 'org_a' }, order, limit, offset });

  it('adds hot rows the store does not show yet, in order', () => {
    const stored = [rec(1, 10), rec(3, 30)];
    const hot = [rec(2, 20), rec(4, 40)];
    expect(mergeHotTier(stored, hot, query('desc', 10)).map((r) => r.id.slice(-1))).toEqual(['4', '3', '2', '1']);
    expect(mergeHotTier(stored, hot, query('asc', 10)).map((r) => r.id.slice(-1))).toEqual(['1', '2', '3', '4']);
  });

  it('counts a row in both tiers once, keeping the store copy', () => {
    const stored = [rec(1, 10, 'store copy')];
    const hot = [rec(1, 10, 'hot copy'), rec(2, 20)];
    const merged = mergeHotTier(stored, hot, query('desc', 10));
    expect(merged.map((r) => r.content)).toEqual(['m2', 'store copy']);
  });

  it('applies the limit after merging', () => {
    const stored = [rec(1, 10), rec(2, 20)];
    const hot = [rec(3, 30)];
    expect(mergeHotTier(stored, hot, query('desc', 2)).map((r) => r.id.slice(-1))).toEqual(['3', '2']);
  });

  it('orders equal times by id', () => {
    const stored = [rec(2, 10)];
    const hot = [rec(1, 10)];
    expect(mergeHotTier(stored, hot, query('asc', 5)).map((r) => r.id.slice(-1))).toEqual(['1', '2']);
  });

  it('pages with an offset as if every row were in the store', () => {
    const all = [rec(1, 10), rec(2, 20), rec(3, 30), rec(4, 40), rec(5, 50)];
    const stored = [all[0], all[2], all[4]];
    const hot = [all[1], all[3]];
    const q = query('desc', 2, 1);
    expect(storeWindow(q)).toMatchObject({ offset: 0, limit: 3 });
    const merged = mergeHotTier(storeAnswer(stored, storeWindow(q)), hot, q);
    expect(merged.map((r) => r.id.slice(-1))).toEqual(['4', '3']);
  });

  it('equals the page of the union for any split of rows between the tiers (property)', () => {
    const row = fc.record({ time: fc.integer({ min: 0, max: 20 }), where: fc.constantFrom('store', 'hot', 'both') });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 40 }),
        fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        (rows, order, limit, offset) => {
          const records = rows.map((r, i) => ({ record: rec(i + 1, r.time), where: r.where }));
          const stored = records.filter((r) => r.where !== 'hot').map((r) => r.record);
          const hot = records.filter((r) => r.where !== 'store').map((r) => r.record);
          const q = query(order, limit, offset);
          const merged = mergeHotTier(storeAnswer(stored, storeWindow(q)), hot, q);
          expect(merged).toEqual(storeAnswer(records.map((r) => r.record), q));
        },
      ),
    );
  });
});
