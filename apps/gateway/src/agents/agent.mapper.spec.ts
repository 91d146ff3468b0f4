import { toAgentWire, toSessionWire } from './agent.mapper';

describe('agent and session wire shapes', () => {
  const at = new Date('2026-02-08T10:00:00.000Z');

  it('omits empty optional fields as upstream did', () => {
    const agent = toAgentWire({ id: 'agent_1', orgId: 'org_1', name: 'n', description: '', config: {}, createdAt: at, lastActiveAt: null });
    expect(agent).toEqual({ id: 'agent_1', org_id: 'org_1', name: 'n', created_at: '2026-02-08T10:00:00.000Z' });
    const session = toSessionWire({ id: 's', orgId: 'o', agentId: 'a', status: 'active', metadata: null, createdAt: at, updatedAt: at, closedAt: null });
    expect(session).toEqual({ id: 's', org_id: 'o', agent_id: 'a', status: 'active', created_at: at.toISOString(), updated_at: at.toISOString() });
  });

  it('shows closed_at and metadata when set', () => {
    const session = toSessionWire({ id: 's', orgId: 'o', agentId: 'a', status: 'closed', metadata: { k: 1 }, createdAt: at, updatedAt: at, closedAt: at });
    expect(session).toMatchObject({ metadata: { k: 1 }, closed_at: at.toISOString() });
  });
});
