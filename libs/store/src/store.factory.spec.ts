import { memoryRecord } from '@memtrace/testing';
import { ArcMemoryStore } from './arc/arc.adapter';
import { DuckDbMemoryStore } from './duckdb/duckdb.adapter';
import type { StoreBinding } from './port/memory-store.port';
import { StoreRejectedError } from './port/store.exception';
import { createStore } from './store.factory';

describe('createStore', () => {
  it('opens an embedded DuckDB store that works', async () => {
    const store = await createStore({ kind: 'duckdb', url: ':memory:', database: 'unused', measurement: 'memories' });
    expect(store).toBeInstanceOf(DuckDbMemoryStore);
    await store.write([memoryRecord()]);
    expect(await store.count({ orgId: 'org_a' })).toBe(1);
    await store.close();
  });

  it('builds an Arc store without touching the network', async () => {
    const store = await createStore({ kind: 'arc', url: 'http://127.0.0.1:9', database: 'org_db', measurement: 'memories', token: 't' });
    expect(store).toBeInstanceOf(ArcMemoryStore);
    await store.close();
  });

  it('refuses an unknown kind or a bad measurement', async () => {
    await expect(createStore({ kind: 's3', url: 'x', database: 'd', measurement: 'm' } as unknown as StoreBinding)).rejects.toThrow(StoreRejectedError);
    await expect(createStore({ kind: 'arc', url: 'http://arc:8000', database: 'd', measurement: 'a-b' })).rejects.toThrow(StoreRejectedError);
  });
});
