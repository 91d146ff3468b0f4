import { AppError, ID_PATTERN_MESSAGE } from '@memtrace/contracts';
import { agentStatsFilters } from './agent-stats-filters.util';

const NOW = Date.UTC(2026, 1, 8, 12) * 1000;

describe('agentStatsFilters', () => {
  it('counts all time, the last 24 h, and errors in the last 24 h, for the org and agent', () => {
    expect(agentStatsFilters('agent_1', { orgId: 'org_a', nowUs: NOW })).toEqual({
      agentId: 'agent_1',
      all: { orgId: 'org_a', agentId: 'agent_1' },
      last24h: { orgId: 'org_a', agentId: 'agent_1', sinceUs: NOW - 86_400_000_000 },
      errors24h: { orgId: 'org_a', agentId: 'agent_1', sinceUs: NOW - 86_400_000_000, eventTypes: ['error'] },
    });
  });

  it('answers 400 for an id failing the ID pattern (upstream: 500)', () => {
    expect(() => agentStatsFilters('agent 1', { orgId: 'org_a', nowUs: NOW })).toThrow(new AppError('bad_request', `invalid agent_id: ${ID_PATTERN_MESSAGE}`));
  });
});
