import { MemoryRecord } from '@memtrace/contracts';
import { decodeHotTierRow, encodeHotTierRow } from './hot-tier-row';

const record: MemoryRecord = {
  id: '0198c0de-0000-7000-8000-000000000001',
  timeUs: 1_787_227_200_000_001,
  orgId: 'org_a',
  agentId: 'agent_1',
  sessionId: 'sess_1',
  memoryType: 'decision',
  eventType: 'general',
  content: 'chose the blue plan',
  metadata: { plan: 'blue', score: 3 },
  tags: ['billing'],
  dedupKey: 'k1',
  importance: 0.7,
  parentId: '',
};

describe('hot-tier rows', () => {
  it('round-trips a record and marks the row with its version', () => {
    const row = encodeHotTierRow(record);
    expect(JSON.parse(row)).toMatchObject({ v: 1, id: record.id });
    expect(decodeHotTierRow(row)).toEqual(record);
  });

  it('still reads rows written before rows had a version (a bare record)', () => {
    expect(decodeHotTierRow(JSON.stringify(record))).toEqual(record);
  });

  it.each([
    ['a version from a newer release', JSON.stringify({ ...record, v: 2 })],
    ['a row missing a field', JSON.stringify({ ...record, content: undefined })],
    ['a row with a wrong type', JSON.stringify({ ...record, timeUs: 'yesterday' })],
    ['a memory type this release does not know', JSON.stringify({ ...record, memoryType: 'dream' })],
    ['text that is not JSON', '{"id":'],
  ])('leaves out %s', (_what, row) => {
    expect(decodeHotTierRow(row)).toBeUndefined();
  });
});
