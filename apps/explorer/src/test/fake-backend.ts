import type { AgentActivity, Memory } from '@memtrace/sdk';
import { fakeServer, type Handled } from './render';

export const GOOD_KEY = 'mtk_good_0123456789';
export const AGENT = { id: 'agent_0123456789abcdef01234567', org_id: 'org_a', name: 'sdr-7', description: 'outbound SDR', created_at: '2026-02-08T09:00:00Z' };
export const PARENT: Memory = { id: '0198c0de-0000-7000-8000-000000000001', time: '2026-02-08T11:00:00Z', org_id: 'org_a', agent_id: 'sdr-7', memory_type: 'episodic', event_type: 'general', content: 'Lead asked for a demo' };
export const CHILD: Memory = {
  id: '0198c0de-0000-7000-8000-000000000002',
  time: '2026-02-08T11:30:00.123456Z',
  org_id: 'org_a',
  agent_id: 'sdr-7',
  session_id: 'sess_1',
  memory_type: 'decision',
  event_type: 'decision',
  content: 'Offer the annual plan',
  metadata: { reasoning: 'budget approved', nested: { months: 12 } },
  tags: ['plan'],
  importance: 0.8,
  parent_id: PARENT.id,
};
export const ACTIVITY: AgentActivity = {
  agent_id: 'sdr-7', since: '2026-02-07T12:00:00Z', until: '2026-02-08T12:00:00Z', bucket: '1h', bucket_seconds: 3600, memory_types: ['decision', 'episodic'],
  buckets: [{ start: '2026-02-08T11:00:00Z', counts: { episodic: 1, decision: 1 }, total: 2, errors: 0 }], total: 2, errors: 0,
};

/** A small org as the REST API answers it: one registered agent, one agent known only from memories. */
export function backend() {
  const memories: Memory[] = [CHILD, PARENT, { ...PARENT, id: '0198c0de-0000-7000-8000-000000000003', agent_id: 'support-bot', content: 'Customer prefers email' }];
  return fakeServer(({ method, path, body, key, query }): Handled => {
    if (key !== GOOD_KEY) return { status: 401, body: { error: 'invalid API key', code: 'unauthenticated' } };
    const route = `${method} ${path}`;
    if (route === 'GET /api/v1/auth/verify') return { body: { valid: true, org_id: 'org_a', key_id: 'k1', key_name: 'reader', scopes: ['read'] } };
    if (route === 'GET /api/v1/agents') return { body: { agents: [AGENT], count: 1 } };
    if (route === 'GET /api/v1/memories') return { body: { memories, count: memories.length, has_more: false } };
    if (route === 'POST /api/v1/search') {
      const results = memories.filter((m) => m.agent_id === body.agent_id && (!body.memory_types || body.memory_types.includes(m.memory_type)));
      return { body: { results, count: results.length, query_time_ms: 1 } };
    }
    const stats = /^GET \/api\/v1\/agents\/([^/]+)\/stats$/.exec(route);
    if (stats) {
      const id = decodeURIComponent(stats[1]);
      const count = memories.filter((m) => m.agent_id === id || (id === AGENT.id && m.agent_id === AGENT.name)).length;
      return { body: { agent_id: id, memory_count: count, memories_24h: count, errors_24h: 0, session_count: 1, active_sessions: 1, memory_types: {} } };
    }
    if (/^GET \/api\/v1\/agents\/[^/]+\/activity$/.test(route)) return { body: { ...ACTIVITY, bucket: query.get('bucket') ?? '1h' } };
    const agent = /^GET \/api\/v1\/agents\/([^/]+)$/.exec(route);
    if (agent) return [AGENT.id, AGENT.name].includes(decodeURIComponent(agent[1])) ? { body: AGENT } : { status: 404, body: { error: 'agent not found' } };
    const memory = /^GET \/api\/v1\/memories\/([^/]+)$/.exec(route);
    if (memory) {
      const found = memories.find((m) => m.id === decodeURIComponent(memory[1]));
      return found ? { body: found } : { status: 404, body: { error: 'memory not found' } };
    }
    if (route === 'GET /api/v1/sessions') return { body: { sessions: [{ id: 'sess_1', org_id: 'org_a', agent_id: AGENT.id, status: 'active', created_at: '2026-02-08T09:00:00Z', updated_at: '2026-02-08T09:00:00Z' }], count: 1 } };
    if (/^POST \/api\/v1\/(sessions|agents)\/[^/]+\/context$/.test(route)) {
      const budget = body?.max_tokens;
      return { body: { context: '## Session Context (sess_1)\n\n### Decisions Made (1)\n- Offer the annual plan', memory_count: 2, token_count: budget ? Math.min(budget, 17) : 17, truncated: Boolean(budget && budget < 17), omitted_count: budget && budget < 17 ? 1 : 0 } };
    }
    return { status: 404, body: { error: `no route ${route}` } };
  });
}
