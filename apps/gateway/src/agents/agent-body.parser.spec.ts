import { AppError } from '@memtrace/contracts';
import { parseCreateAgent, parseCreateSession, parseUpdateSession } from './agent-body.parser';
import { toAgentWire, toSessionWire } from './agent.mapper';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return `${error.status} ${error.message}`;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('agent and session bodies', () => {
  it('requires a name and an agent_id with upstream messages', () => {
    expect(messageOf(() => parseCreateAgent({}))).toBe('400 name is required');
    expect(messageOf(() => parseCreateAgent({ name: '' }))).toBe('400 name is required');
    expect(messageOf(() => parseCreateSession(null))).toBe('400 agent_id is required');
  });

  it('rejects wrong JSON types instead of storing them', () => {
    expect(messageOf(() => parseCreateAgent({ name: 'a', config: [1] }))).toBe('400 invalid request body: config must be an object');
    expect(messageOf(() => parseUpdateSession({ status: 3 }))).toBe('400 invalid request body: status must be a string');
    expect(messageOf(() => parseUpdateSession('closed'))).toBe('400 invalid request body: expected a JSON object');
  });

  it('accepts an empty update (it only bumps updated_at)', () => {
    expect(parseUpdateSession({})).toEqual({ status: undefined, metadata: undefined });
  });
});

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
