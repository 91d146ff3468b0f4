import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_US, memoryRecord } from '@memtrace/testing';
import { StoreRejectedError, StoreUnavailableError } from '../port/store.exception';
import { DuckDbMemoryStore } from './duckdb.adapter';
import { COLUMN_DDL } from './duckdb-chunk.mapper';

describe('DuckDbMemoryStore', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'memtrace-store-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function inspect<T>(path: string, sql: string): Promise<Record<string, unknown>[]> {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  it('gives back exactly what it was given, every field', async () => {
    const store = await DuckDbMemoryStore.open({ path: ':memory:', measurement: 'memories' });
    const written = [
      memoryRecord({ metadata: { reasoning: "it's faster", nested: { n: [1, 2] } }, tags: ['go', 'db'], importance: 1, memoryType: 'decision', parentId: 'p1', dedupKey: 'a'.repeat(32) }),
      memoryRecord({ content: "quotes ' and \\ and 😀", importance: 0, sessionId: '' }),
    ];
    await store.write(written);
    expect(await store.query({ filter: { orgId: 'org_a' }, order: 'asc', limit: 10 })).toEqual(written);
    await store.close();
  });

  it('appends large batches through several data chunks, in one transaction, with the declared column types', async () => {
    const path = join(dir, 'chunks.duckdb');
    const store = await DuckDbMemoryStore.open({ path, measurement: 'memories' });
    const batch = Array.from({ length: 5000 }, (_, i) => memoryRecord({ timeUs: BASE_US + i, importance: i % 2 }));
    await store.write(batch);
    expect(await store.count({ orgId: 'org_a', sinceUs: BASE_US - 1, untilUs: BASE_US + 5000 })).toBe(5000);
    const [first] = await store.query({ filter: { orgId: 'org_a', sinceUs: BASE_US - 1 }, order: 'asc', limit: 1 });
    const [last] = await store.query({ filter: { orgId: 'org_a', untilUs: BASE_US + 5000 }, order: 'desc', limit: 1 });
    expect([first.id, last.id]).toEqual([batch[0].id, batch[4999].id]);
    await store.close();

    const [types] = await inspect(path, `SELECT any_value(typeof(time)) AS t, any_value(typeof(importance)) AS i, count(*) AS n, sum(importance) AS s FROM memories`);
    expect(types).toEqual({ t: 'TIMESTAMP WITH TIME ZONE', i: 'DOUBLE', n: 5000n, s: 2500 });
  });

  it('keeps data across reopen of a file', async () => {
    const path = join(dir, 'reopen.duckdb');
    const m = memoryRecord();
    const first = await DuckDbMemoryStore.open({ path, measurement: 'memories' });
    await first.write([m]);
    await first.close();
    const second = await DuckDbMemoryStore.open({ path, measurement: 'memories' });
    expect(await second.query({ filter: { orgId: 'org_a', ids: [m.id] }, order: 'asc', limit: 1 })).toEqual([m]);
    await second.close();
  });

  it('refuses to open a table whose columns are not the store layout (the appender writes by position)', async () => {
    const path = join(dir, 'foreign.duckdb');
    await inspect(path, `CREATE TABLE memories (time TIMESTAMPTZ, content VARCHAR)`);
    await expect(DuckDbMemoryStore.open({ path, measurement: 'memories' })).rejects.toThrow(StoreRejectedError);
  });

  it('writes nothing of a batch holding an unstorable record', async () => {
    const store = await DuckDbMemoryStore.open({ path: ':memory:', measurement: 'memories' });
    const batch = Array.from({ length: 3000 }, () => memoryRecord());
    batch[2500] = { ...batch[2500], importance: NaN };
    await expect(store.write(batch)).rejects.toThrow(StoreRejectedError);
    expect(await store.count({ orgId: 'org_a' })).toBe(0);
    await store.close();
  });

  it('rolls back the whole batch when DuckDB refuses a row in a later chunk', async () => {
    const path = join(dir, 'check.duckdb');
    await inspect(path, `CREATE TABLE memories (${COLUMN_DDL}, CHECK (content <> 'boom'))`);
    const store = await DuckDbMemoryStore.open({ path, measurement: 'memories' });
    // Past the appender's own auto-flush threshold (100 chunks), so only the transaction keeps it whole.
    const batch = Array.from({ length: 210_000 }, () => memoryRecord({ content: '' }));
    batch[209_000] = { ...batch[209_000], content: 'boom' };
    await expect(store.write(batch)).rejects.toThrow(StoreRejectedError);
    expect(await store.count({ orgId: 'org_a' })).toBe(0);
    await store.write(batch.slice(0, 10));
    expect(await store.count({ orgId: 'org_a' })).toBe(10);
    await store.close();
  }, 60_000); // 210,000 rows through the appender: seconds on a loaded 2-core machine

  describe('one appender across writes', () => {
    let appenders: jest.SpyInstance;
    beforeEach(() => {
      appenders = jest.spyOn(DuckDBConnection.prototype, 'createAppender');
    });
    afterEach(() => appenders.mockRestore());

    it('lands many consecutive writes, each readable once it resolves, through one appender', async () => {
      const store = await DuckDbMemoryStore.open({ path: ':memory:', measurement: 'memories' });
      expect(store.writesVisibleOnCommit).toBe(true);
      let written = 0;
      for (let i = 0; i < 200; i++) {
        const batch = Array.from({ length: 1 + (i % 7) * 50 }, (_, j) => memoryRecord({ timeUs: BASE_US + written + j }));
        await store.write(batch);
        written += batch.length;
        const last = batch[batch.length - 1];
        expect(await store.findVisibleIds('org_a', [batch[0].id, last.id], batch[0].timeUs, last.timeUs)).toEqual(new Set([batch[0].id, last.id]));
        if (i % 50 === 49) expect(await store.delete({ orgId: 'org_a', ids: [last.id] })).toBe(1);
      }
      expect(await store.count({ orgId: 'org_a' })).toBe(written - 4);
      expect(appenders).toHaveBeenCalledTimes(1);
      await store.close();
    });

    it('after a failed write holds none of its rows, and the next write lands its own rows only', async () => {
      const path = join(dir, 'recover.duckdb');
      await inspect(path, `CREATE TABLE memories (${COLUMN_DDL}, CHECK (content <> 'boom'))`);
      const store = await DuckDbMemoryStore.open({ path, measurement: 'memories' });
      const good = () => Array.from({ length: 10 }, () => memoryRecord());
      // Two data chunks, the bad row in the second: DuckDB refuses it when the appender flushes.
      const poisoned = () => Array.from({ length: 3000 }, (_, i) => memoryRecord({ content: i === 2500 ? 'boom' : 'fine' }));

      await expect(store.write(poisoned())).rejects.toThrow(StoreRejectedError); // the appender's first write
      expect(await store.count({ orgId: 'org_a' })).toBe(0);
      const first = good();
      await store.write(first);
      await store.write(good());
      await expect(store.write(poisoned())).rejects.toThrow(StoreRejectedError); // a reused appender's
      const last = good();
      await store.write(last);

      const ids = (await store.query({ filter: { orgId: 'org_a' }, order: 'asc', limit: 100 })).map((r) => r.id);
      expect(ids).toHaveLength(30);
      expect(ids).toEqual(expect.arrayContaining([...first, ...last].map((r) => r.id)));
      expect(appenders).toHaveBeenCalledTimes(3); // one per failure, one at the start
      await store.close();
      const [{ n }] = await inspect(path, `SELECT count(*) AS n FROM memories WHERE content = 'fine'`);
      expect(n).toBe(0n);
    });

    it('closes with its appender: the file holds every row, a second close is harmless, later calls are refused', async () => {
      const path = join(dir, 'close.duckdb');
      const store = await DuckDbMemoryStore.open({ path, measurement: 'memories' });
      await store.write([memoryRecord(), memoryRecord()]);
      await store.write([memoryRecord()]);
      await Promise.all([store.close(), store.close()]);
      await store.close();
      await expect(store.write([memoryRecord()])).rejects.toThrow(StoreUnavailableError);
      await expect(store.count({ orgId: 'org_a' })).rejects.toThrow(StoreUnavailableError);
      const [{ n }] = await inspect(path, 'SELECT count(*) AS n FROM memories');
      expect(n).toBe(3n);
    });
  });

  it('counts a row stored twice (a retried batch) as one memory', async () => {
    const store = await DuckDbMemoryStore.open({ path: ':memory:', measurement: 'events' });
    const batch = [memoryRecord({ memoryType: 'decision' }), memoryRecord({ memoryType: 'entity' })];
    await store.write(batch);
    await store.write(batch);
    expect(await store.query({ filter: { orgId: 'org_a' }, order: 'asc', limit: 10 })).toHaveLength(4);
    expect(await store.count({ orgId: 'org_a' })).toBe(2);
    expect(await store.countByType({ orgId: 'org_a' })).toEqual({ decision: 1, entity: 1 });
    await store.close();
  });

  it('counts per time bucket and type, errors among them, floored on the microsecond, copies once', async () => {
    const store = await DuckDbMemoryStore.open({ path: ':memory:', measurement: 'events' });
    const HOUR = 3_600_000_000;
    const start = BASE_US - (BASE_US % HOUR); // 12:00:00 UTC
    const rows = [
      memoryRecord({ timeUs: start }), // the first µs of the 12:00 bucket
      memoryRecord({ timeUs: start + HOUR - 400_000, eventType: 'error' }), // 12:59:59.6: still 12:00 (Arc's time_bucket would round it up)
      memoryRecord({ timeUs: start + HOUR - 1, memoryType: 'decision' }),
      memoryRecord({ timeUs: start + HOUR, eventType: 'error' }),
      memoryRecord({ timeUs: start + 3 * HOUR + 5, memoryType: 'entity', agentId: 'other' }),
      memoryRecord({ timeUs: start + HOUR, orgId: 'org_b' }),
    ];
    await store.write(rows);
    await store.write(rows.slice(0, 2)); // a retried batch
    expect(await store.countByBucket({ orgId: 'org_a' }, HOUR)).toEqual([
      { bucketUs: start, memoryType: 'decision', count: 1, errors: 0 },
      { bucketUs: start, memoryType: 'episodic', count: 2, errors: 1 },
      { bucketUs: start + HOUR, memoryType: 'episodic', count: 1, errors: 1 },
      { bucketUs: start + 3 * HOUR, memoryType: 'entity', count: 1, errors: 0 },
    ]);
    expect(await store.countByBucket({ orgId: 'org_a', agentIds: ['agent_1'], sinceUs: start }, 24 * HOUR)).toEqual([
      { bucketUs: start - (start % (24 * HOUR)), memoryType: 'decision', count: 1, errors: 0 },
      { bucketUs: start - (start % (24 * HOUR)), memoryType: 'episodic', count: 2, errors: 2 },
    ]);
    expect(await store.countByBucket({ orgId: 'org_c' }, HOUR)).toEqual([]);
    await store.close();
  });

  it('counts by type, confirms visible ids within a time range, and deletes within an org', async () => {
    const store = await DuckDbMemoryStore.open({ path: ':memory:', measurement: 'events' });
    const a = memoryRecord({ memoryType: 'decision' });
    const b = memoryRecord({ memoryType: 'decision' });
    const c = memoryRecord({ memoryType: 'entity' });
    const other = memoryRecord({ orgId: 'org_b', memoryType: 'decision' });
    await store.write([a, b, c, other]);

    expect(await store.countByType({ orgId: 'org_a' })).toEqual({ decision: 2, entity: 1 });
    expect(await store.findVisibleIds('org_a', [a.id, b.id, other.id, 'missing'], a.timeUs, b.timeUs)).toEqual(new Set([a.id, b.id]));
    expect(await store.findVisibleIds('org_a', [a.id, c.id], a.timeUs + 1, c.timeUs)).toEqual(new Set([c.id]));
    expect(await store.delete({ orgId: 'org_a', memoryTypes: ['decision'] })).toBe(2);
    expect(await store.count({ orgId: 'org_a' })).toBe(1);
    expect(await store.count({ orgId: 'org_b' })).toBe(1);
    await store.close();
  });

  it('serialises concurrent writes and reads on its connection', async () => {
    const store = await DuckDbMemoryStore.open({ path: ':memory:', measurement: 'memories' });
    const batches = Array.from({ length: 8 }, () => Array.from({ length: 300 }, () => memoryRecord()));
    await Promise.all(batches.flatMap((batch) => [store.write(batch), store.count({ orgId: 'org_a' })]));
    expect(await store.count({ orgId: 'org_a' })).toBe(2400);
    await store.close();
  });

  it('answers ping, refuses a bad query as rejected and reports unavailable once closed', async () => {
    const store = await DuckDbMemoryStore.open({ path: ':memory:', measurement: 'memories' });
    await expect(store.ping()).resolves.toBeUndefined();
    await expect(store.query({ filter: { orgId: '' }, order: 'asc', limit: 1 })).rejects.toThrow(StoreRejectedError);
    await store.close();
    await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
    await expect(store.write([memoryRecord()])).rejects.toThrow(StoreUnavailableError);
  });

  it('refuses an invalid measurement before opening anything', async () => {
    await expect(DuckDbMemoryStore.open({ path: ':memory:', measurement: 'mem-ories' })).rejects.toThrow(StoreRejectedError);
  });
});
