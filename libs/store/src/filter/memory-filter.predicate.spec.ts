import { BASE_US, memoryRecord } from '@memtrace/testing';
import { compareCodePoints, compareRecords, matchesFilter } from './memory-filter.predicate';

describe('matchesFilter', () => {
  const m = memoryRecord({ orgId: 'org_a', tags: ['golang', 'db'], content: 'Chose 100% Postgres', importance: 0.5, timeUs: BASE_US });

  it('never matches another org', () => {
    expect(matchesFilter(m, { orgId: 'org_a' })).toBe(true);
    expect(matchesFilter(m, { orgId: 'org_b' })).toBe(false);
  });

  it('matches whole tags only, all of them', () => {
    expect(matchesFilter(m, { orgId: 'org_a', tags: ['go'] })).toBe(false);
    expect(matchesFilter(m, { orgId: 'org_a', tags: ['golang'] })).toBe(true);
    expect(matchesFilter(m, { orgId: 'org_a', tags: ['golang', 'db'] })).toBe(true);
    expect(matchesFilter(m, { orgId: 'org_a', tags: ['golang', 'x'] })).toBe(false);
    expect(matchesFilter(m, { orgId: 'org_a', tags: [] })).toBe(true);
  });

  it('treats an empty id or type list as matching nothing', () => {
    expect(matchesFilter(m, { orgId: 'org_a', ids: [] })).toBe(false);
    expect(matchesFilter(m, { orgId: 'org_a', ids: [m.id] })).toBe(true);
    expect(matchesFilter(m, { orgId: 'org_a', memoryTypes: [] })).toBe(false);
    expect(matchesFilter(m, { orgId: 'org_a', agentIds: [] })).toBe(false);
  });

  it('matches any of an agent\'s aliases', () => {
    expect(matchesFilter(m, { orgId: 'org_a', agentIds: ['agent_x', m.agentId] })).toBe(true);
    expect(matchesFilter(m, { orgId: 'org_a', agentIds: ['agent_x', 'agent_y'] })).toBe(false);
  });

  it('matches content case-sensitively and literally', () => {
    expect(matchesFilter(m, { orgId: 'org_a', contentContains: '100%' })).toBe(true);
    expect(matchesFilter(m, { orgId: 'org_a', contentContains: 'chose' })).toBe(false);
    expect(matchesFilter(m, { orgId: 'org_a', contentContains: 'C_ose' })).toBe(false);
  });

  it('has an inclusive importance floor and exclusive time bounds', () => {
    expect(matchesFilter(m, { orgId: 'org_a', minImportance: 0.5 })).toBe(true);
    expect(matchesFilter(m, { orgId: 'org_a', minImportance: 0.51 })).toBe(false);
    expect(matchesFilter(m, { orgId: 'org_a', sinceUs: BASE_US })).toBe(false);
    expect(matchesFilter(m, { orgId: 'org_a', sinceUs: BASE_US - 1, untilUs: BASE_US + 1 })).toBe(true);
    expect(matchesFilter(m, { orgId: 'org_a', untilUs: BASE_US })).toBe(false);
  });
});

describe('compareRecords', () => {
  it('orders by time, then id, in either direction', () => {
    const a = memoryRecord({ timeUs: 1, id: 'b' });
    const b = memoryRecord({ timeUs: 2, id: 'a' });
    const c = memoryRecord({ timeUs: 2, id: 'c' });
    expect([c, a, b].sort(compareRecords('asc'))).toEqual([a, b, c]);
    expect([a, c, b].sort(compareRecords('desc'))).toEqual([c, b, a]);
  });

  it('compares ids by code point, as DuckDB compares UTF-8 bytes', () => {
    expect(compareCodePoints('\uFFFD', '😀')).toBeLessThan(0); // UTF-16 order would say the opposite
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('B', 'a')).toBeLessThan(0);
    expect(compareCodePoints('😀', '😁')).toBeLessThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });
});
