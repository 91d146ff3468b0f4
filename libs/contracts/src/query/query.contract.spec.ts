import {
  agentActivityRequestSchema,
  agentActivityResponseSchema,
  agentMemoriesRequestSchema,
  agentStatsRequestSchema,
  agentStatsResponseSchema,
  getMemoryRequestSchema,
  listMemoriesRequestSchema,
  memoryListResponseSchema,
  QUERY_PATTERNS,
  renderContextRequestSchema,
  searchMemoriesRequestSchema,
  searchResponseSchema,
  sessionMemoriesRequestSchema,
} from './query.contract';

/** Golden v1 messages as a gateway of this version sends them: they must keep parsing. */
const MEMORY = { id: '0198c0de-0000-7000-8000-000000000001', time: '2026-02-08T12:00:00Z', org_id: 'org_a', agent_id: 'a', memory_type: 'episodic', event_type: 'general', content: 'c', tags: ['t'] };

describe('query RPC contracts v1', () => {
  it('patterns are versioned strings', () => {
    for (const pattern of Object.values(QUERY_PATTERNS)) expect(pattern).toMatch(/^query\.[a-z-]+\.v1$/);
  });

  it('golden requests parse', () => {
    expect(listMemoriesRequestSchema.parse({ orgId: 'org_a', params: { agent_id: 'a', tags: ['x', 'y'] } }).params.tags).toEqual(['x', 'y']);
    expect(listMemoriesRequestSchema.parse({ orgId: 'org_a' }).params).toEqual({});
    expect(getMemoryRequestSchema.parse({ orgId: 'org_a', id: MEMORY.id }).id).toBe(MEMORY.id);
    expect(searchMemoriesRequestSchema.parse({ orgId: 'org_a', body: null }).body).toBeNull();
    expect(agentMemoriesRequestSchema.parse({ orgId: 'org_a', agentId: 'a', params: { since: '2h' } }).agentId).toBe('a');
    expect(sessionMemoriesRequestSchema.parse({ orgId: 'org_a', sessionId: 's', params: {} }).sessionId).toBe('s');
    expect(agentStatsRequestSchema.parse({ orgId: 'org_a', agentId: 'a' }).agentId).toBe('a');
    expect(agentActivityRequestSchema.parse({ orgId: 'org_a', agentId: 'a', params: { since: '24h', bucket: '1h' } }).params).toEqual({ since: '24h', bucket: '1h' });
    expect(agentActivityRequestSchema.parse({ orgId: 'org_a', agentId: 'a' }).params).toEqual({});
    expect(renderContextRequestSchema.parse({ orgId: 'org_a', subject: 'session', id: 's', body: { max_tokens: 10 } }).subject).toBe('session');
  });

  it('requests may carry the caller trace context; a malformed one is dropped', () => {
    const trace = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    expect(searchMemoriesRequestSchema.parse({ orgId: 'org_a', trace, body: {} }).trace).toEqual(trace);
    expect(listMemoriesRequestSchema.parse({ orgId: 'org_a', trace: { traceparent: 'nope' } })).toEqual({ orgId: 'org_a', params: {} });
  });

  it('an org is mandatory: no request may span tenants', () => {
    expect(listMemoriesRequestSchema.safeParse({ params: {} }).success).toBe(false);
    expect(getMemoryRequestSchema.safeParse({ orgId: '', id: 'x' }).success).toBe(false);
  });

  it('golden responses parse', () => {
    expect(memoryListResponseSchema.parse({ memories: [MEMORY], count: 1, has_more: false }).count).toBe(1);
    expect(searchResponseSchema.safeParse({ results: [], count: 0, query_time_ms: 1.5 }).success).toBe(false);
    const stats = { agent_id: 'a', memory_count: 1, memories_24h: 1, errors_24h: 0, session_count: 0, active_sessions: 0, memory_types: { episodic: 1 } };
    expect(agentStatsResponseSchema.parse(stats)).toEqual(stats);
    const activity = {
      agent_id: 'a', since: '2026-02-08T10:30:00Z', until: '2026-02-08T12:30:00Z', bucket: '1h', bucket_seconds: 3600, memory_types: ['episodic'],
      buckets: [{ start: '2026-02-08T10:00:00Z', counts: {}, total: 0, errors: 0 }, { start: '2026-02-08T11:00:00Z', counts: { episodic: 2 }, total: 2, errors: 1 }],
      total: 2, errors: 1,
    };
    expect(agentActivityResponseSchema.parse(activity)).toEqual(activity);
  });
});
