import { DuckDBInstance } from '@duckdb/node-api';
import type { MemoryFilter } from '@memtrace/contracts';
import fc from 'fast-check';
import { BASE_US } from '@memtrace/testing';
import { StoreRejectedError } from '../port/store.exception';
import { isValidMeasurement } from './measurement-name.util';
import { MemorySqlBuilder } from './memory-sql.builder';

const sql = new MemorySqlBuilder('memories');
const COLUMNS = 'time, id, org_id, agent_id, session_id, memory_type, event_type, content, metadata_json, tags_csv, dedup_key, importance, parent_id';

/** The SQL with every string literal replaced by `?`: what is left is all that can carry meaning. */
function skeleton(text: string): string {
  return text.replace(/'(?:[^']|'')*'/g, '?');
}

/** Arc's validator (reference/arc.md §3.4), applied outside literals as Arc does. */
const ARC_DENYLIST =
  /\b(ATTACH|DETACH|COPY|PRAGMA|SET|RESET|LOAD|INSTALL|CALL|SECRET)\b|\bDROP\s+(TABLE|DATABASE|INDEX|VIEW)\b|\bDELETE\s+FROM\b|\bTRUNCATE\s+TABLE\b|\bALTER\s+TABLE\b|\bCREATE\s+(TABLE|DATABASE|INDEX)\b|\bINSERT\s+INTO\b|\bUPDATE\b|\b(EXPORT|IMPORT)\s+DATABASE\b/i;
const FILE_FUNCTIONS = /\b(read_parquet|parquet_\w+|read_csv\w*|sniff_csv|read_json\w*|read_ndjson\w*|read_text|read_blob|read_xlsx|glob|delta_scan|iceberg_\w+|arc_partition_agg)\s*\(/i;

describe('MemorySqlBuilder', () => {
  it('selects explicit columns, filters on org first, orders by (time, id) and pages', () => {
    const q = sql.select({
      filter: {
        orgId: 'org_a',
        agentId: 'agent_1',
        sessionId: 'sess_1',
        memoryTypes: ['episodic', 'decision'],
        eventTypes: ['error'],
        tags: ['go', 'db'],
        contentContains: '50%_off\\',
        minImportance: 0.5,
        sinceUs: BASE_US,
        untilUs: BASE_US + 1_500_001,
      },
      order: 'desc',
      limit: 50,
      offset: 10,
    });
    expect(q).toBe(
      `SELECT ${COLUMNS} FROM memories WHERE org_id = 'org_a' AND agent_id = 'agent_1' AND session_id = 'sess_1' ` +
        `AND memory_type IN ('episodic', 'decision') AND event_type IN ('error') ` +
        `AND list_contains(string_split(tags_csv, ','), 'go') AND list_contains(string_split(tags_csv, ','), 'db') ` +
        `AND content LIKE '%50\\%\\_off\\\\%' ESCAPE '\\' AND importance >= 5e-1 ` +
        `AND time > '2026-08-20T12:00:00Z'::TIMESTAMPTZ AND time < '2026-08-20T12:00:01.500001Z'::TIMESTAMPTZ ` +
        `ORDER BY time DESC, id DESC LIMIT 50 OFFSET 10`,
    );
  });

  it('doubles quotes, drops NUL and leaves backslashes alone in literals', () => {
    expect(sql.where({ orgId: "o'rg", agentId: "a\0'); DROP TABLE x; --\\" })).toBe(
      `org_id = 'o''rg' AND agent_id = 'a''); DROP TABLE x; --\\'`,
    );
  });

  it('renders an empty id or type list as FALSE and an empty tag list as no constraint', () => {
    expect(sql.where({ orgId: 'o', ids: [], memoryTypes: [], tags: [] })).toBe(`org_id = 'o' AND FALSE AND FALSE`);
    expect(sql.where({ orgId: 'o', agentIds: [] })).toBe(`org_id = 'o' AND FALSE`);
  });

  it('matches an agent by any of its aliases', () => {
    expect(sql.where({ orgId: 'o', agentIds: ['agent_1', "support's"] })).toBe(`org_id = 'o' AND agent_id IN ('agent_1', 'support''s')`);
  });

  it('builds counts with aliased aggregates', () => {
    expect(sql.count({ orgId: 'o' })).toBe(`SELECT COUNT(DISTINCT id) AS cnt FROM memories WHERE org_id = 'o'`);
    expect(sql.countByType({ orgId: 'o', agentId: 'a' })).toBe(
      `SELECT memory_type, COUNT(DISTINCT id) AS cnt FROM memories WHERE org_id = 'o' AND agent_id = 'a' GROUP BY memory_type`,
    );
  });

  it('bounds the confirmation query by the batch time range, and drops the id list when it would be too long', () => {
    expect(sql.visibleIds('o', ['a', 'b'], BASE_US, BASE_US + 5)).toBe(
      `SELECT id FROM memories WHERE org_id = 'o' AND time >= '2026-08-20T12:00:00Z'::TIMESTAMPTZ ` +
        `AND time <= '2026-08-20T12:00:00.000005Z'::TIMESTAMPTZ AND id IN ('a', 'b')`,
    );
    const ids = Array.from({ length: 1000 }, (_, i) => `0198c0de-0000-7000-8000-${String(i).padStart(12, '0')}`);
    const long = sql.visibleIds('o', ids, BASE_US, BASE_US + 5);
    expect(long).not.toContain(' IN (');
    expect(long).toContain(`time <= '2026-08-20T12:00:00.000005Z'::TIMESTAMPTZ`);
    expect(sql.visibleIds('o', ids.slice(0, 100), BASE_US, BASE_US + 5)).toContain(ids[99]);
  });

  it.each<[string, MemoryFilter | Record<string, unknown>]>([
    ['an empty orgId', { orgId: '' }],
    ['a missing orgId', {}],
    ['a non-string value', { orgId: 'o', agentId: 5 }],
    ['a non-list ids', { orgId: 'o', ids: 'a' }],
    ['a NaN importance', { orgId: 'o', minImportance: NaN }],
    ['an infinite importance', { orgId: 'o', minImportance: Infinity }],
    ['a fractional time', { orgId: 'o', sinceUs: 1.5 }],
    ['an unsafe time', { orgId: 'o', untilUs: 2 ** 60 }],
  ])('refuses %s', (_, filter) => {
    expect(() => sql.count(filter as MemoryFilter)).toThrow(StoreRejectedError);
  });

  it('refuses bad paging and order', () => {
    expect(() => sql.select({ filter: { orgId: 'o' }, order: 'desc', limit: -1 })).toThrow(StoreRejectedError);
    expect(() => sql.select({ filter: { orgId: 'o' }, order: 'desc', limit: 1, offset: 0.5 })).toThrow(StoreRejectedError);
    expect(() => sql.select({ filter: { orgId: 'o' }, order: 'up' as 'asc', limit: 1 })).toThrow(StoreRejectedError);
  });

  it('accepts only measurement names that are bare, harmless identifiers', () => {
    for (const ok of ['memories', 'events', 'Mem_2', 'a'.repeat(128)]) expect(isValidMeasurement(ok)).toBe(true);
    for (const bad of ['mem-ories', '1mem', '_m', 'm;', 'm x', '', 'a'.repeat(129), 'SET', 'load', 'select', 'duckdb_settings', 'pg_class']) {
      expect(isValidMeasurement(bad)).toBe(false);
      expect(() => new MemorySqlBuilder(bad)).toThrow(StoreRejectedError);
    }
  });

  it("refuses every keyword DuckDB reserves (checked against this DuckDB's own list)", async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(`SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category = 'reserved'`);
    const reserved = reader.getRows().map(([name]) => String(name));
    connection.closeSync();
    instance.closeSync();
    expect(reserved.length).toBeGreaterThan(50);
    expect(reserved.filter((word) => isValidMeasurement(word))).toEqual([]);
  });

  it('keeps hostile values inside literals: the statement skeleton depends only on which fields are set', () => {
    const hostile = fc.oneof(
      fc.constantFrom("'", "\\'", "'' OR 1=1 --", "'; SET x=1; --", 'LOAD httpfs', "read_parquet('/etc/passwd')", '\u0000\'', '/*', '%', '_'),
      fc.string({ unit: 'binary' }),
    );
    const filter = fc.record(
      {
        orgId: hostile.filter((s) => s.replace(/\0/g, '') !== ''),
        ids: fc.array(hostile, { maxLength: 3 }),
        agentId: hostile,
        agentIds: fc.array(hostile, { maxLength: 3 }),
        sessionId: hostile,
        memoryTypes: fc.array(hostile, { maxLength: 3 }),
        eventTypes: fc.array(hostile, { maxLength: 3 }),
        tags: fc.array(hostile, { maxLength: 3 }),
        contentContains: hostile,
      },
      { requiredKeys: ['orgId'] },
    );
    fc.assert(
      fc.property(filter, (f) => {
        const benign = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, Array.isArray(v) ? v.map(() => 'v') : 'v']));
        const text = sql.select({ filter: f, order: 'asc', limit: 10 });
        const shape = skeleton(text);
        expect(shape).toBe(skeleton(sql.select({ filter: benign as unknown as MemoryFilter, order: 'asc', limit: 10 })));
        expect(shape).not.toMatch(ARC_DENYLIST);
        expect(shape).not.toMatch(FILE_FUNCTIONS);
        expect(shape).not.toMatch(/;|--|\/\*/);
        expect(text).not.toContain('\0');
      }),
      { numRuns: 300 },
    );
  });

  it('buckets on epoch_us integer arithmetic (no time_bucket, which Arc rewrites with rounding), errors counted beside', () => {
    expect(sql.countByBucket({ orgId: 'org_a', agentIds: ['a', 'b'], sinceUs: BASE_US }, 3_600_000_000)).toBe(
      `SELECT epoch_us(time) - ((epoch_us(time) % 3600000000) + 3600000000) % 3600000000 AS bucket_us, memory_type, COUNT(DISTINCT id) AS cnt, ` +
        `COUNT(DISTINCT CASE WHEN event_type = 'error' THEN id END) AS error_cnt FROM memories ` +
        `WHERE org_id = 'org_a' AND agent_id IN ('a', 'b') AND time > '2026-08-20T12:00:00Z'::TIMESTAMPTZ ` +
        `GROUP BY bucket_us, memory_type ORDER BY bucket_us, memory_type`,
    );
    for (const bad of [0, -1, 1.5, Number.NaN, '3600' as unknown as number, 2 ** 53]) {
      expect(() => sql.countByBucket({ orgId: 'o' }, bad)).toThrow(StoreRejectedError);
    }
  });

  it('emits nothing Arc would refuse in any of its statements', () => {
    const statements = [
      sql.select({ filter: { orgId: 'o', tags: ['t'], contentContains: 'c', sinceUs: 0 }, order: 'asc', limit: 1, offset: 1 }),
      sql.count({ orgId: 'o' }),
      sql.countByType({ orgId: 'o' }),
      sql.countByBucket({ orgId: 'o', eventTypes: ['error'] }, 3_600_000_000),
      sql.visibleIds('o', ['a'], 0, 1),
    ];
    for (const statement of statements) {
      expect(skeleton(statement)).not.toMatch(ARC_DENYLIST);
      expect(skeleton(statement)).not.toMatch(FILE_FUNCTIONS);
    }
  });
});
