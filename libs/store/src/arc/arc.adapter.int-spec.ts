import type { MemoryRecord } from '@memtrace/contracts';
import { encode } from '@msgpack/msgpack';
import { type ArcDoubleHandle, BASE_US, memoryRecord, startArcDouble } from '@memtrace/testing';
import { StoreUnavailableError } from '../port/store.exception';
import { ArcMemoryStore } from './arc.adapter';

/*
 * The Arc adapter against the Arc test double (reference/arc.md §8): real msgpack ingest with
 * first-value column typing, Arc's SQL validator and table rewrite, its JSON envelope, auth and
 * buffering. Rows stay invisible until the double flushes (a 10-minute buffer age) unless a spec
 * flushes explicitly, so visibility is deterministic.
 */
describe('ArcMemoryStore against the Arc double', () => {
  let arc: ArcDoubleHandle;
  const tokens = { 'tok-rw': ['read', 'write'], 'tok-admin': ['admin'] } as const;
  const storeFor = (database: string, token = 'tok-rw', measurement = 'memories'): ArcMemoryStore =>
    new ArcMemoryStore({ url: arc.url, database, measurement, token, timeoutMs: 5_000 });

  beforeAll(async () => {
    arc = await startArcDouble({ maxBufferAgeMs: 600_000, auth: { ...tokens } });
  });
  afterAll(() => arc.stop());

  async function writeAndFlush(store: ArcMemoryStore, records: MemoryRecord[]): Promise<void> {
    await store.write(records);
    await arc.flush();
  }

  it('round-trips every field, keeping importance a float when the first value is integral', async () => {
    const store = storeFor('roundtrip');
    const records = [
      memoryRecord({ importance: 1, metadata: { reasoning: "it's cheaper", n: [1, 2] }, tags: ['go', 'db'], memoryType: 'decision', parentId: 'p' }),
      memoryRecord({ importance: 0.25, content: "quotes ' \\ and 😀", sessionId: '' }),
      memoryRecord({ importance: 0.75, timeUs: BASE_US + 123_456 }),
    ];
    await writeAndFlush(store, records);
    const back = await store.query({ filter: { orgId: 'org_a' }, order: 'asc', limit: 10 });
    expect(back).toEqual([...records].sort((a, b) => a.timeUs - b.timeUs));
  });

  it('confirms visibility only after Arc flushes its buffer', async () => {
    const store = storeFor('confirm');
    const batch = [memoryRecord(), memoryRecord(), memoryRecord()];
    const [minUs, maxUs] = [batch[0].timeUs, batch[2].timeUs];
    await store.write(batch);
    expect(await store.findVisibleIds('org_a', batch.map((r) => r.id), minUs, maxUs)).toEqual(new Set());
    await arc.flush();
    expect(await store.findVisibleIds('org_a', [...batch.map((r) => r.id), 'never'], minUs, maxUs)).toEqual(new Set(batch.map((r) => r.id)));
    expect(await store.findVisibleIds('org_b', batch.map((r) => r.id), minUs, maxUs)).toEqual(new Set());
  });

  it('answers zero for a measurement that has no files yet', async () => {
    const store = storeFor('empty', 'tok-rw', 'never_written');
    expect(await store.count({ orgId: 'org_a' })).toBe(0);
    expect(await store.countByType({ orgId: 'org_a' })).toEqual({});
    expect(await store.query({ filter: { orgId: 'org_a' }, order: 'desc', limit: 5 })).toEqual([]);
  });

  it("filters, counts and pages with SQL that passes Arc's validator, hostile values included", async () => {
    const store = storeFor('filters');
    const hostile = memoryRecord({ content: "SET x = 1; -- LOAD 'y' /* CALL z */ read_parquet('/etc')", tags: ["it's", 'a%b'], memoryType: 'entity' });
    const plain = [memoryRecord({ tags: ['golang'] }), memoryRecord({ tags: ['go'], memoryType: 'decision' }), memoryRecord({ orgId: 'org_b' })];
    await writeAndFlush(store, [hostile, ...plain]);

    expect(await store.query({ filter: { orgId: 'org_a', contentContains: 'SET x = 1; -- LOAD' }, order: 'asc', limit: 5 })).toEqual([hostile]);
    expect((await store.query({ filter: { orgId: 'org_a', tags: ["it's", 'a%b'] }, order: 'asc', limit: 5 })).map((r) => r.id)).toEqual([hostile.id]);
    expect((await store.query({ filter: { orgId: 'org_a', tags: ['go'] }, order: 'asc', limit: 5 })).map((r) => r.id)).toEqual([plain[1].id]);
    expect(await store.count({ orgId: 'org_a' })).toBe(3);
    expect(await store.countByType({ orgId: 'org_a' })).toEqual({ entity: 1, episodic: 1, decision: 1 });
    const page = await store.query({ filter: { orgId: 'org_a' }, order: 'desc', limit: 2, offset: 1 });
    expect(page.map((r) => r.id)).toEqual([plain[0].id, hostile.id]);
  });

  it("counts per time bucket with SQL Arc runs unchanged (no time_bucket rewrite): Arc and DuckDB floor alike", async () => {
    const store = storeFor('buckets');
    const HOUR = 3_600_000_000;
    const start = BASE_US - (BASE_US % HOUR);
    const rows = [
      memoryRecord({ timeUs: start + HOUR - 400_000, eventType: 'error' }), // 12:59:59.6 stays in 12:00
      memoryRecord({ timeUs: start + HOUR - 1, memoryType: 'decision' }),
      memoryRecord({ timeUs: start + HOUR }),
    ];
    await writeAndFlush(store, rows);
    expect(await store.countByBucket({ orgId: 'org_a' }, HOUR)).toEqual([
      { bucketUs: start, memoryType: 'decision', count: 1, errors: 0 },
      { bucketUs: start, memoryType: 'episodic', count: 1, errors: 1 },
      { bucketUs: start + HOUR, memoryType: 'episodic', count: 1, errors: 0 },
    ]);
    expect(await storeFor('empty', 'tok-rw', 'never_written').countByBucket({ orgId: 'org_a' }, HOUR)).toEqual([]);
  });

  it('keeps databases apart through x-arc-database', async () => {
    await writeAndFlush(storeFor('tenant_one'), [memoryRecord()]);
    expect(await storeFor('tenant_two').count({ orgId: 'org_a' })).toBe(0);
    expect(await storeFor('tenant_one').count({ orgId: 'org_a' })).toBe(1);
  });

  it('deletes flushed rows with an admin token', async () => {
    const writer = storeFor('deletes');
    const keep = memoryRecord({ agentId: 'keep' });
    await writeAndFlush(writer, [memoryRecord({ agentId: 'gone' }), memoryRecord({ agentId: 'gone' }), keep]);
    expect(await storeFor('deletes', 'tok-admin').delete({ orgId: 'org_a', agentId: 'gone' })).toBe(2);
    expect((await writer.query({ filter: { orgId: 'org_a' }, order: 'asc', limit: 10 })).map((r) => r.id)).toEqual([keep.id]);
  });

  it('reports auth and permission failures as refused (a kind of unavailable), with the status', async () => {
    const wrongToken = storeFor('auth', 'wrong').count({ orgId: 'org_a' });
    await expect(wrongToken).rejects.toMatchObject({ name: 'StoreRefusedError', status: 401 });
    await expect(wrongToken).rejects.toThrow(StoreUnavailableError);
    await expect(storeFor('auth').delete({ orgId: 'org_a' })).rejects.toMatchObject({ name: 'StoreRefusedError', status: 403 });
  });

  it('surfaces injected write and query failures and an outage as unavailable', async () => {
    const store = storeFor('faults');
    try {
      await arc.setFaults({ failWritesRatio: 1, failQueriesRatio: 1 });
      await expect(store.write([memoryRecord()])).rejects.toThrow(StoreUnavailableError);
      await expect(store.count({ orgId: 'org_a' })).rejects.toThrow(StoreUnavailableError);
      await arc.setFaults({ failWritesRatio: 0, failQueriesRatio: 0, down: true });
      await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
      await expect(store.write([memoryRecord()])).rejects.toThrow(StoreUnavailableError);
    } finally {
      await arc.setFaults({ failWritesRatio: 0, failQueriesRatio: 0, down: false });
    }
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('reports SQL the engine refuses (a binder error) as rejected, not retryable', async () => {
    // Files of this measurement lack most store columns, as data written by another client would.
    const body = encode({ m: 'partial', columns: { time: [BigInt(BASE_US)], org_id: ['org_a'] } }, { useBigInt64: true });
    const reply = await fetch(`${arc.url}/api/v1/write/msgpack`, {
      method: 'POST',
      headers: { 'content-type': 'application/msgpack', 'x-arc-database': 'bad_sql', authorization: 'Bearer tok-rw' },
      body,
    });
    expect(reply.status).toBe(204);
    await arc.flush();
    const store = storeFor('bad_sql', 'tok-rw', 'partial');
    await expect(store.query({ filter: { orgId: 'org_a' }, order: 'asc', limit: 1 })).rejects.toMatchObject({
      name: 'StoreRejectedError',
      status: 500,
      detail: expect.stringContaining('Binder Error'),
    });
    // Counts are of distinct ids, which this measurement does not have either.
    await expect(store.count({ orgId: 'org_a' })).rejects.toMatchObject({ name: 'StoreRejectedError', detail: expect.stringContaining('Binder Error') });
  });
});
