import type { AuditEntry, AuditRepository, ErasureRepository, ErasureRow } from '@memtrace/catalog';
import { ErasureFilter, MemoryFilter, MemoryQuery, MemoryRecord } from '@memtrace/contracts';
import { Metrics } from '@memtrace/observability';
import { compareRecords, matchesFilter, MemoryStore, StoreRefusedError, StoreRegistry, StoreRejectedError } from '@memtrace/store';
import { ForgetTombstones, HotTier, QueueUnavailableError } from '@memtrace/ingest';
import pino from 'pino';
import { ErasureExecutor } from './erasure.executor';

const ORG = 'org_a';

function memory(n: number, sessionId: string, timeUs = 1_000 + n): MemoryRecord {
  const id = `0198c0de-0000-7000-8000-${String(n).padStart(12, '0')}`;
  return { id, timeUs, orgId: ORG, agentId: 'a', sessionId, memoryType: 'episodic', eventType: 'general', content: `m${n}`, metadata: null, tags: [], dedupKey: `k${n}`, importance: 0, parentId: '' };
}

/** The port's semantics in memory; `refuseFilterDeletes`: reject deletes without ids, as Arc does for some words. */
class FakeStore {
  rows: MemoryRecord[] = [];
  deletes: MemoryFilter[] = [];
  constructor(private readonly options: { refuseFilterDeletes?: boolean; refuseAll?: boolean } = {}) {}
  async query(q: MemoryQuery) {
    return this.rows.filter((r) => matchesFilter(r, q.filter)).sort(compareRecords(q.order)).slice(q.offset ?? 0, (q.offset ?? 0) + q.limit);
  }
  async count(filter: MemoryFilter) {
    return this.rows.filter((r) => matchesFilter(r, filter)).length;
  }
  async findVisibleIds(_org: string, ids: readonly string[]) {
    return new Set(this.rows.filter((r) => ids.includes(r.id)).map((r) => r.id));
  }
  async delete(filter: MemoryFilter) {
    if (this.options.refuseAll) throw new StoreRefusedError('the store answered HTTP 403', { status: 403 });
    if (this.options.refuseFilterDeletes && filter.ids === undefined) throw new StoreRejectedError('WHERE clause contains forbidden keyword: LOAD');
    this.deletes.push(filter);
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => !matchesFilter(r, filter));
    return before - this.rows.length;
  }
}

function setup(store: FakeStore, filter: ErasureFilter, hot: MemoryRecord[] = [], erasure: Partial<ErasureRow> = {}, redisFailures = 0) {
  let row: ErasureRow = { id: 'e1', orgId: ORG, kind: 'forget', filter, dryRun: false, status: 'pending', matched: null, erased: 0, error: null, actor: 'key:1', createdAt: new Date(), startedAt: null, finishedAt: null, ...erasure };
  const audits: AuditEntry[] = [];
  const released: string[] = [];
  const tombstone = { open: true, closedAtMs: undefined as number | undefined, removed: false };
  let hotRows = [...hot];
  const erasures = {
    get: async () => ({ ...row }),
    start: async (_e: ErasureRow, matched: number) => void (row = { ...row, status: 'running', matched: row.matched ?? matched }),
    addErased: async (_id: string, n: number) => void (row = { ...row, erased: row.erased + n }),
    finish: async (_id: string, at: Date, also?: (tx: never) => Promise<void>) => {
      row = { ...row, status: 'done', finishedAt: at };
      await also?.(undefined as never);
    },
    fail: async (_id: string, error: string) => void (row = { ...row, status: 'failed', error }),
  } as unknown as ErasureRepository;
  const executor = new ErasureExecutor(
    { pageRows: 3, retryBaseMs: 1, retryMaxDelayMs: 2 },
    {
      erasures,
      stores: { forOrg: async () => store as unknown as MemoryStore } as unknown as StoreRegistry,
      hotTier: {
        find: async (f: MemoryFilter) => {
          if (redisFailures-- > 0) throw new QueueUnavailableError('recent writes cannot be read: the queue (Redis) is unreachable', 'retry shortly', new Error('Command timed out'));
          return hotRows.filter((r) => matchesFilter(r, f));
        },
        remove: async (_org: string, ids: readonly string[]) => void (hotRows = hotRows.filter((r) => !ids.includes(r.id))),
      } as unknown as HotTier,
      tombstones: {
        close: async (_org: string, _id: string, at: number) => ((tombstone.closedAtMs ??= at), tombstone.closedAtMs),
        remove: async () => void (tombstone.removed = true),
      } as unknown as ForgetTombstones,
      releaseClaims: async (_org, records) => void released.push(...records.map((r) => r.id)),
      audit: { record: async (entry: AuditEntry) => void audits.push(entry) } as unknown as AuditRepository,
      metrics: new Metrics(),
      logger: pino({ level: 'silent' }),
      deleteOrg: async () => undefined,
    },
  );
  return { executor, receipt: () => row, audits, released, tombstone, hot: () => hotRows };
}

describe('ErasureExecutor', () => {
  it('erases page by page with the filter, releases every claim, closes the tombstone, and audits with the receipt', async () => {
    const store = new FakeStore();
    const gone = Array.from({ length: 7 }, (_, n) => memory(n, 'gone'));
    // Two rows share the third row's time: the first page's delete (by time) takes them with it.
    gone[3] = { ...gone[3], timeUs: gone[2].timeUs };
    gone[4] = { ...gone[4], timeUs: gone[2].timeUs };
    const kept = [memory(100, 'kept')];
    store.rows = [...gone, ...kept];
    const queued = memory(200, 'gone', 5_000);
    const { executor, receipt, audits, released, tombstone, hot } = setup(store, { sessionId: 'gone' }, [queued]);
    await executor.run(ORG, 'e1');
    expect(store.rows).toEqual(kept);
    expect(receipt()).toMatchObject({ status: 'done', matched: 8, erased: 8 });
    expect(new Set(released)).toEqual(new Set([...gone, queued].map((r) => r.id)));
    expect(hot()).toEqual([]);
    expect(tombstone.closedAtMs).toBeDefined();
    expect(audits).toEqual([expect.objectContaining({ action: 'memories.erase', outcome: 'ok', detail: expect.objectContaining({ matched: 8, erased: 8 }) })]);
    expect(store.deletes.every((d) => d.ids === undefined && d.sessionId === 'gone')).toBe(true);
  });

  it('deletes by id when the store refuses the filter in a delete', async () => {
    const store = new FakeStore({ refuseFilterDeletes: true });
    store.rows = Array.from({ length: 5 }, (_, n) => memory(n, 'load-test'));
    const { executor, receipt } = setup(store, { sessionId: 'load-test' });
    await executor.run(ORG, 'e1');
    expect(store.rows).toEqual([]);
    expect(receipt()).toMatchObject({ status: 'done', erased: 5 });
    expect(store.deletes.every((d) => d.ids !== undefined)).toBe(true);
  });

  it('fails with a reason the tenant may read when the store refuses deletes, and removes the tombstone so held writes land', async () => {
    const store = new FakeStore({ refuseAll: true });
    store.rows = [memory(1, 'gone')];
    const { executor, receipt, audits, tombstone } = setup(store, { sessionId: 'gone' });
    await executor.run(ORG, 'e1');
    expect(receipt()).toMatchObject({ status: 'failed', error: expect.stringMatching(/refused the delete \(403\).*admin/) });
    expect(tombstone.removed).toBe(true);
    expect(store.rows).toHaveLength(1);
    expect(audits).toEqual([expect.objectContaining({ outcome: 'failed' })]);
  });

  it('rides out Redis not answering (the hot tier unreadable) and finishes, the tombstone closed, not removed', async () => {
    const store = new FakeStore();
    store.rows = [memory(1, 'gone'), memory(2, 'kept')];
    const { executor, receipt, tombstone } = setup(store, { sessionId: 'gone' }, [memory(3, 'gone')], {}, 2);
    await executor.run(ORG, 'e1');
    expect(receipt()).toMatchObject({ status: 'done', matched: 2, erased: 2 });
    expect(tombstone).toMatchObject({ removed: false, closedAtMs: expect.any(Number) });
    expect(store.rows.map((r) => r.sessionId)).toEqual(['kept']);
  });

  it('run again after a crash, keeps the first count of what matched and finishes', async () => {
    const store = new FakeStore();
    store.rows = [memory(5, 'gone'), memory(6, 'gone')];
    const { executor, receipt } = setup(store, { sessionId: 'gone' }, [], { status: 'running', matched: 10, erased: 8, startedAt: new Date(0) });
    await executor.run(ORG, 'e1');
    expect(receipt()).toMatchObject({ status: 'done', matched: 10, erased: 10 });
  });

  it('does nothing for an erasure already done, and removes the tombstone of one that failed', async () => {
    const store = new FakeStore();
    store.rows = [memory(1, 'gone')];
    const done = setup(store, { sessionId: 'gone' }, [], { status: 'done' });
    await done.executor.run(ORG, 'e1');
    expect(store.rows).toHaveLength(1);
    const failed = setup(store, { sessionId: 'gone' }, [], { status: 'failed' });
    await failed.executor.run(ORG, 'e1');
    expect(failed.tombstone.removed).toBe(true);
    expect(store.rows).toHaveLength(1);
  });
});
