import {
  agentActivityRequestSchema,
  agentActivityResponseSchema,
  agentActivityV1RequestSchema,
  agentMemoriesRequestSchema,
  agentMemoriesV1RequestSchema,
  agentStatsRequestSchema,
  agentStatsResponseSchema,
  exportPageRequestSchema,
  forgetRequestSchema,
  getMemoryRequestSchema,
  LEGACY_READ_PATTERNS,
  listMemoriesRequestSchema,
  listMemoriesV1RequestSchema,
  memoryListResponseSchema,
  QUERY_PATTERNS,
  QUERY_REQUEST_SCHEMAS,
  renderContextRequestSchema,
  renderContextV1RequestSchema,
  searchMemoriesRequestSchema,
  searchMemoriesV1RequestSchema,
  searchResponseSchema,
  sessionMemoriesRequestSchema,
  sessionMemoriesV1RequestSchema,
} from './query.contract';
import { queryInOrg } from './read-query.wire';

/** Golden messages as gateways send them, this release's and the previous one's: they must keep parsing. */
const MEMORY = { id: '0198c0de-0000-7000-8000-000000000001', time: '2026-02-08T12:00:00Z', org_id: 'org_a', agent_id: 'a', memory_type: 'episodic', event_type: 'general', content: 'c', tags: ['t'] };
const PAGE = { order: 'desc', limit: 100 } as const;

describe('query RPC contracts', () => {
  it('patterns are versioned strings; every legacy read has a current one, and every pattern a schema', () => {
    for (const pattern of Object.values(QUERY_PATTERNS)) expect(pattern).toMatch(/^query\.[a-z-]+\.v[12]$/);
    for (const [name, pattern] of Object.entries(LEGACY_READ_PATTERNS)) {
      expect(pattern).toMatch(/^query\.[a-z-]+\.v1$/);
      expect(QUERY_PATTERNS[name as keyof typeof QUERY_PATTERNS]).toBe(pattern.replace(/\.v1$/, '.v2'));
    }
    expect(Object.keys(QUERY_REQUEST_SCHEMAS).sort()).toEqual([...new Set([...Object.values(QUERY_PATTERNS), ...Object.values(LEGACY_READ_PATTERNS)])].sort());
  });

  it('golden v2 requests parse: typed fields, absolute times', () => {
    const list = listMemoriesRequestSchema.parse({ orgId: 'org_a', query: { filter: { agentId: 'a', tags: ['x', 'y'], sinceUs: 1 }, ...PAGE, offset: 0 } });
    expect(list.query).toEqual({ filter: { agentId: 'a', tags: ['x', 'y'], sinceUs: 1 }, ...PAGE, offset: 0 });
    expect(searchMemoriesRequestSchema.parse({ orgId: 'org_a', query: { filter: { contentContains: 'refund', minImportance: 0.5 }, order: 'asc', limit: 50 } }).query.filter.contentContains).toBe('refund');
    expect(agentMemoriesRequestSchema.parse({ orgId: 'org_a', query: { filter: { agentId: 'a' }, ...PAGE } }).query.filter.agentId).toBe('a');
    expect(sessionMemoriesRequestSchema.parse({ orgId: 'org_a', query: { filter: { sessionId: 's' }, ...PAGE } }).query.filter.sessionId).toBe('s');
    expect(agentActivityRequestSchema.parse({ orgId: 'org_a', query: { agentId: 'a', sinceUs: 0, untilUs: 3_600_000_000, bucket: '1h', bucketUs: 3_600_000_000 } }).query.bucket).toBe('1h');
    const context = { orgId: 'org_a', subject: { kind: 'session', id: 's' }, query: { filter: { sessionId: 's' }, order: 'desc', limit: 100 }, maxTokens: 10 };
    expect(renderContextRequestSchema.parse(context)).toEqual(context);
    expect(forgetRequestSchema.parse({ orgId: 'org_a', filter: { agentId: 'a' }, dryRun: true, actor: 'key:k' }).filter).toEqual({ agentId: 'a' });
    expect(exportPageRequestSchema.parse({ orgId: 'org_a', filter: {}, after: { timeUs: 1, id: 'x' } }).after).toEqual({ timeUs: 1, id: 'x' });
    expect(agentStatsRequestSchema.parse({ orgId: 'org_a', agentId: 'a' }).agentId).toBe('a');
    expect(getMemoryRequestSchema.parse({ orgId: 'org_a', id: MEMORY.id }).id).toBe(MEMORY.id);
  });

  it('the org of a read is the request\'s: one inside the filter is dropped', () => {
    const parsed = listMemoriesRequestSchema.parse({ orgId: 'org_a', query: { filter: { orgId: 'org_b', agentId: 'a' }, ...PAGE } });
    expect(parsed.query.filter).toEqual({ agentId: 'a' });
    expect(queryInOrg(parsed.orgId, parsed.query).filter).toEqual({ agentId: 'a', orgId: 'org_a' });
  });

  it('a v2 read that no gateway could have validated is refused', () => {
    const bad = [
      listMemoriesRequestSchema.safeParse({ orgId: 'org_a', query: { filter: {}, order: 'sideways', limit: 1 } }),
      listMemoriesRequestSchema.safeParse({ orgId: 'org_a', query: { filter: {}, ...PAGE, limit: 100_000 } }),
      listMemoriesRequestSchema.safeParse({ orgId: 'org_a', query: { filter: { sinceUs: '2h' }, ...PAGE } }),
      agentMemoriesRequestSchema.safeParse({ orgId: 'org_a', query: { filter: {}, ...PAGE } }),
      forgetRequestSchema.safeParse({ orgId: 'org_a', filter: {}, dryRun: false, actor: 'key:k' }),
      agentActivityRequestSchema.safeParse({ orgId: 'org_a', query: { agentId: 'a', sinceUs: 5, untilUs: 5, bucket: '1h', bucketUs: 3_600_000_000 } }),
    ];
    expect(bad.map((result) => result.success)).toEqual([false, false, false, false, false, false]);
  });

  it('golden v1 requests (the previous release) parse', () => {
    expect(listMemoriesV1RequestSchema.parse({ orgId: 'org_a', params: { agent_id: 'a', tags: ['x', 'y'] } }).params.tags).toEqual(['x', 'y']);
    expect(listMemoriesV1RequestSchema.parse({ orgId: 'org_a' }).params).toEqual({});
    expect(searchMemoriesV1RequestSchema.parse({ orgId: 'org_a', body: null }).body).toBeNull();
    expect(agentMemoriesV1RequestSchema.parse({ orgId: 'org_a', agentId: 'a', params: { since: '2h' } }).agentId).toBe('a');
    expect(sessionMemoriesV1RequestSchema.parse({ orgId: 'org_a', sessionId: 's', params: {} }).sessionId).toBe('s');
    expect(agentActivityV1RequestSchema.parse({ orgId: 'org_a', agentId: 'a', params: { since: '24h', bucket: '1h' } }).params).toEqual({ since: '24h', bucket: '1h' });
    expect(agentActivityV1RequestSchema.parse({ orgId: 'org_a', agentId: 'a' }).params).toEqual({});
    expect(renderContextV1RequestSchema.parse({ orgId: 'org_a', subject: 'session', id: 's', body: { max_tokens: 10 } }).subject).toBe('session');
  });

  it('requests may carry the caller trace context; a malformed one is dropped', () => {
    const trace = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    expect(searchMemoriesV1RequestSchema.parse({ orgId: 'org_a', trace, body: {} }).trace).toEqual(trace);
    expect(listMemoriesV1RequestSchema.parse({ orgId: 'org_a', trace: { traceparent: 'nope' } })).toEqual({ orgId: 'org_a', params: {} });
  });

  it('an org is mandatory: no request may span tenants', () => {
    expect(listMemoriesV1RequestSchema.safeParse({ params: {} }).success).toBe(false);
    expect(listMemoriesRequestSchema.safeParse({ query: { filter: {}, ...PAGE } }).success).toBe(false);
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
