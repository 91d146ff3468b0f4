import { agentAliases } from '@memtrace/catalog';
import { AgentAliases } from './agent-aliases';
import { AgentScope, withAgentAliases } from './agent-scope';

describe('agentAliases', () => {
  it('is the id given, plus the registered agent\'s id and name when it names one', () => {
    expect(agentAliases('support_agent', null)).toEqual(['support_agent']);
    expect(agentAliases('billing-bot', { id: 'agent_1', name: 'billing-bot' })).toEqual(['billing-bot', 'agent_1']);
    expect(agentAliases('agent_1', { id: 'agent_1', name: 'billing-bot' })).toEqual(['agent_1', 'billing-bot']);
  });
});

describe('AgentScope', () => {
  const registered = { id: 'agent_1', name: 'billing-bot' };
  const aliases = { of: async (_org: string, key: string) => agentAliases(key, key === 'agent_1' || key === 'billing-bot' ? registered : null) };
  const scope = new AgentScope(aliases as unknown as AgentAliases);

  it('widens an agent filter to the aliases and keeps every other constraint', async () => {
    const query = { filter: { orgId: 'org_a', agentId: 'billing-bot', memoryTypes: ['decision'], sinceUs: 5 }, order: 'desc' as const, limit: 10 };
    expect(await scope.widen(query)).toEqual({ ...query, filter: { orgId: 'org_a', agentIds: ['billing-bot', 'agent_1'], memoryTypes: ['decision'], sinceUs: 5 } });
  });

  it('leaves a query without an agent alone', async () => {
    const query = { filter: { orgId: 'org_a', sessionId: 'sess_1' }, order: 'asc' as const, limit: 1 };
    expect(await scope.widen(query)).toBe(query);
  });

  it('replaces, never combines with, the single agent id', () => {
    expect(withAgentAliases({ orgId: 'o', agentId: 'x' }, ['x', 'y'])).toEqual({ orgId: 'o', agentIds: ['x', 'y'] });
  });
});
