import { BASE_US, memoryRecord } from '@memtrace/testing';
import { StoreRejectedError } from '../port/store.exception';
import { fromStoredRow, toMemoryColumns } from './memory-row.mapper';

describe('memory-row mapper', () => {
  it('lays a batch out column by column, metadata as JSON text ({} for null) and tags as CSV', () => {
    const a = memoryRecord({ metadata: { reason: 'x', n: 1 }, tags: ['go', 'db'], importance: 1 });
    const b = memoryRecord({ metadata: null, tags: [] });
    const columns = toMemoryColumns([a, b]);
    expect(columns.time).toEqual([a.timeUs, b.timeUs]);
    expect(columns.id).toEqual([a.id, b.id]);
    expect(columns.metadata_json).toEqual(['{"reason":"x","n":1}', '{}']);
    expect(columns.tags_csv).toEqual(['go,db', '']);
    expect(columns.importance).toEqual([1, 0.5]);
  });

  it('reads an Arc row by column name, whatever the column order, with an RFC3339Nano time', () => {
    const row = {
      tags_csv: 'go,db',
      importance: 0.75,
      content: 'c',
      time: '2026-08-20T12:00:00.000042Z',
      metadata_json: '{"k":[1,2]}',
      id: 'id-1',
      org_id: 'org_a',
      agent_id: 'a',
      session_id: '',
      memory_type: 'decision',
      event_type: 'general',
      dedup_key: 'dk',
      parent_id: 'p',
    };
    expect(fromStoredRow(row)).toEqual({
      id: 'id-1',
      timeUs: BASE_US + 42,
      orgId: 'org_a',
      agentId: 'a',
      sessionId: '',
      memoryType: 'decision',
      eventType: 'general',
      content: 'c',
      metadata: { k: [1, 2] },
      tags: ['go', 'db'],
      dedupKey: 'dk',
      importance: 0.75,
      parentId: 'p',
    });
  });

  it("reads DuckDB's timestamp value and turns {} and missing columns into absent values", () => {
    const record = fromStoredRow({ time: { micros: BigInt(BASE_US) }, id: 'x', org_id: 'o', metadata_json: '{}', importance: null });
    expect(record).toMatchObject({ timeUs: BASE_US, metadata: null, tags: [], agentId: '', importance: 0, parentId: '' });
  });

  it('does not fail a read on foreign metadata text', () => {
    expect(fromStoredRow({ time: BASE_US, metadata_json: 'not json' }).metadata).toBeNull();
    expect(fromStoredRow({ time: BASE_US, metadata_json: '[1]' }).metadata).toBeNull();
  });

  it.each([
    ['a fractional time', { timeUs: 1.5 }],
    ['a NaN importance', { importance: NaN }],
    ['an infinite importance', { importance: Infinity }],
    ['a non-string field', { content: 42 as unknown as string }],
    ['a non-string tag', { tags: [1] as unknown as string[] }],
    ['array metadata', { metadata: [] as unknown as Record<string, unknown> }],
    ['unserialisable metadata', { metadata: { n: 1n } }],
  ])('refuses to store %s, naming the index', (_, override) => {
    expect(() => toMemoryColumns([memoryRecord(), memoryRecord(override)])).toThrow(StoreRejectedError);
    expect(() => toMemoryColumns([memoryRecord(), memoryRecord(override)])).toThrow(/index 1/);
  });
});
