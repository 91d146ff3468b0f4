import { MEMORY_TYPES, type MemoryFilter, type MemoryRecord, type SortOrder } from '@memtrace/contracts';
import fc from 'fast-check';
import { BASE_US } from '@memtrace/testing';
import { DuckDbMemoryStore } from '../duckdb/duckdb.adapter';
import { countRecordsByBucket } from './bucket-count.util';
import { normalizeFilterText } from './filter-text.util';
import { compareRecords, matchesFilter } from './memory-filter.predicate';

/*
 * The SQL the builder emits, run by a real DuckDB, must select exactly what `matchesFilter` selects,
 * in the order `compareRecords` gives, for hostile values. Values come from small pools so that
 * equality filters hit often, mixed with arbitrary unicode.
 */

const HOSTILE = [
  "'", "''", '%', '_', '\\', '\\%', "\\'", "a'b", "O'Reilly", '100%', 'snake_case', 'a,b', ',', '', ' ',
  "'; DROP TABLE m; --", 'SET', 'load', 'CALL x', 'é', 'e\u0301', '日本', '😀', '\uFFFD', '\u0000', 'x\u0000y',
  '--', '/*', ';', '"q"', 'go', 'golang', '\uE000', '\uFF71', '\u{10FFFF}',
];
const pooled = fc.constantFrom(...HOSTILE);
const word = fc.oneof({ weight: 4, arbitrary: pooled }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 5 }) });
const orgId = fc.oneof({ weight: 3, arbitrary: fc.constant('org_a') }, { weight: 1, arbitrary: fc.constantFrom('ORG_A', "org'b", 'o%_\\', '😀') });
// Small pools where the SQL and JS semantics could part: commas and empty tags in the CSV column,
// code-point vs UTF-16 order (U+E000..U+FFFF against astral), NUL, case, combining marks.
const tag = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('go', 'golang', 'a', 'b', 'a,b', ',', '', "'", '%', '_', '\\', '😀') }, { weight: 1, arbitrary: word });
const id = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'A', 'b', "'", '%', '_', '\uFFFD', '\uE000', '\uFF71', '😀', '\u{10FFFF}', 'x\u0000y', 'xy', 'é', 'e\u0301') },
  { weight: 1, arbitrary: fc.oneof(word, fc.uuid()) },
);
// Mostly ties, so that the order often rests on `id`.
const times = fc.oneof(
  { weight: 6, arbitrary: fc.constant(BASE_US) },
  { weight: 3, arbitrary: fc.constantFrom(BASE_US + 1, BASE_US + 2, 0, -1) },
  { weight: 1, arbitrary: fc.maxSafeInteger().chain((n) => fc.constantFrom(n, -n)) },
);
const importance = fc.oneof(fc.constantFrom(0, -0, 0.5, 1, 0.1 + 0.2), fc.double({ noNaN: true, noDefaultInfinity: true }));

const record: fc.Arbitrary<MemoryRecord> = fc.record({
  id,
  timeUs: times,
  orgId,
  agentId: word,
  sessionId: word,
  memoryType: fc.constantFrom(...MEMORY_TYPES),
  eventType: fc.oneof(word, fc.constant('error')),
  content: fc.array(word, { maxLength: 3 }).map((parts) => parts.join('')),
  metadata: fc.constant(null),
  tags: fc.array(tag, { maxLength: 3 }),
  dedupKey: fc.constant(''),
  importance,
  parentId: fc.constant(''),
});

function filterFor(records: MemoryRecord[]): fc.Arbitrary<MemoryFilter> {
  const fromRecords = <T>(pick: (r: MemoryRecord) => T[], fallback: fc.Arbitrary<T>): fc.Arbitrary<T> => {
    const values = records.flatMap(pick);
    return values.length === 0 ? fallback : fc.oneof(fc.constantFrom(...values), fallback);
  };
  const recordTime = fromRecords((r) => [r.timeUs - 1, r.timeUs, r.timeUs + 1], times);
  const constraints = fc.record({
    ids: fc.array(fromRecords((r) => [r.id], id), { maxLength: 3 }),
    agentId: fromRecords((r) => [r.agentId], word),
    agentIds: fc.array(fromRecords((r) => [r.agentId], word), { maxLength: 3 }),
    sessionId: fromRecords((r) => [r.sessionId], word),
    memoryTypes: fc.array(fc.oneof(fc.constantFrom(...MEMORY_TYPES), word), { maxLength: 3 }),
    eventTypes: fc.array(fromRecords((r) => [r.eventType], word), { maxLength: 2 }),
    tags: fc.array(fromRecords((r) => r.tags, tag), { maxLength: 2 }),
    contentContains: fromRecords((r) => [r.content.slice(1, 3)], word),
    minImportance: fromRecords((r) => [r.importance], importance),
    sinceUs: recordTime,
    untilUs: recordTime,
    after: fc.record({ timeUs: recordTime, id: fromRecords((r) => [r.id], id) }),
  });
  // A few constraints at a time: with all of them, almost every filter would select nothing.
  const keys = ['ids', 'agentId', 'agentIds', 'sessionId', 'memoryTypes', 'eventTypes', 'tags', 'contentContains', 'minImportance', 'sinceUs', 'untilUs', 'after'] as const;
  return fc
    .tuple(fromRecords((r) => [r.orgId], orgId), constraints, fc.subarray([...keys], { maxLength: 3 }))
    .map(([org, all, chosen]) => Object.assign({ orgId: org }, ...chosen.map((key) => ({ [key]: all[key] }))) as MemoryFilter);
}

const scenario = fc.uniqueArray(record, { selector: (r) => r.id, maxLength: 12 }).chain((records) =>
  fc.record({
    records: fc.constant(records),
    filters: fc.array(filterFor(records), { minLength: 1, maxLength: 8 }),
    order: fc.constantFrom<SortOrder>('asc', 'desc'),
    limit: fc.integer({ min: 0, max: 15 }),
    offset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 })),
  }),
);

describe('matchesFilter / compareRecords agree with the SQL run by DuckDB', () => {
  let store: DuckDbMemoryStore;
  beforeAll(async () => {
    store = await DuckDbMemoryStore.open({ path: ':memory:', measurement: 'memories' });
  });
  afterAll(() => store.close());

  it('selects, orders, counts, confirms and deletes the same rows', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ records, filters, order, limit, offset }) => {
        try {
          await store.write(records);
          for (const filter of filters) {
            const expected = records.filter((r) => matchesFilter(r, filter)).sort(compareRecords(order));
            const page = await store.query({ filter, order, limit, offset });
            expect(page.map((r) => r.id)).toEqual(expected.slice(offset, offset + limit).map((r) => r.id));
            expect(await store.count(filter)).toBe(expected.length);
            expect(await store.countByType(filter)).toEqual(countTypes(expected));
            for (const bucketUs of [1, 7, 3_600_000_000]) expect(await store.countByBucket(filter, bucketUs)).toEqual(countRecordsByBucket(expected, bucketUs));
          }

          const [first] = filters;
          const inOrg = records.filter((r) => r.orgId === first.orgId);
          const times = inOrg.map((r) => r.timeUs);
          if (times.length > 0) {
            const [minUs, maxUs] = [Math.min(...times), Math.max(...times) - 1];
            const asked = [...inOrg.map((r) => r.id).slice(1), 'never-written'];
            const askedAsSql = asked.map(normalizeFilterText);
            const visible = inOrg.filter((r) => askedAsSql.includes(r.id) && r.timeUs >= minUs && r.timeUs <= maxUs).map((r) => r.id);
            if (minUs <= maxUs) expect(await store.findVisibleIds(first.orgId, asked, minUs, maxUs)).toEqual(new Set(visible));
          }

          const doomed = records.filter((r) => matchesFilter(r, first)).length;
          expect(await store.delete(first)).toBe(doomed);
          expect(await store.count({ orgId: first.orgId })).toBe(inOrg.length - doomed);
        } finally {
          for (const org of new Set(records.map((r) => r.orgId))) await store.delete({ orgId: org });
        }
      }),
      { numRuns: 200 },
    );
  }, 180_000);
});

function countTypes(records: MemoryRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.memoryType] = (counts[r.memoryType] ?? 0) + 1;
  return counts;
}
