import { retentionFilters } from './retention-sweep';

const NOW = 1_800_000_000_000_000;
const DAY = 86_400_000_000;

describe('retentionFilters', () => {
  it('has no filter without rules', () => {
    expect(retentionFilters({ days: null, memoryTypes: {} }, NOW)).toEqual([]);
  });

  it('erases every type past the org-wide rule', () => {
    expect(retentionFilters({ days: 90, memoryTypes: {} }, NOW)).toEqual([{ untilUs: NOW - 90 * DAY }]);
  });

  it('gives a type its own rule, and the org-wide rule to the other types only', () => {
    expect(retentionFilters({ days: 90, memoryTypes: { episodic: 7 } }, NOW)).toEqual([
      { memoryTypes: ['episodic'], untilUs: NOW - 7 * DAY },
      { memoryTypes: ['session', 'decision', 'entity'], untilUs: NOW - 90 * DAY },
    ]);
  });

  it('keeps the types without a rule when there is no org-wide rule, and needs no org-wide filter when every type has its own', () => {
    expect(retentionFilters({ days: null, memoryTypes: { session: 1 } }, NOW)).toEqual([{ memoryTypes: ['session'], untilUs: NOW - DAY }]);
    const all = { episodic: 1, session: 2, decision: 3, entity: 4 };
    expect(retentionFilters({ days: 30, memoryTypes: all }, NOW)).toHaveLength(4);
  });
});
