import fc from 'fast-check';
import { AppProcess, createStack, httpRequest, READ_STACK, TenantStack, waitFor } from '@memtrace/testing';

jest.setTimeout(90_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('read API: 2 gateways → 2 query processes (TCP) → Arc double (100 ms buffer age) + hot tier', () => {
  let stack: TenantStack;
  let gateways: AppProcess[];
  /** Org A (the stack's org), its read-only key, org B (own Arc database), org C (no binding). */
  let keyA: string;
  let readOnlyA: string;
  let keyB: string;
  let keyC: string;
  let queries: AppProcess[];
  let agentA: { id: string; name: string };
  let sessionA: { id: string };

  const a = (method: string, path: string, body?: unknown) => httpRequest(gateways[0], method, path, { key: keyA, json: body });
  const b = (method: string, path: string, body?: unknown) => httpRequest(gateways[1], method, path, { key: keyB, json: body });

  beforeAll(async () => {
    stack = await createStack(READ_STACK);
    ({ gateways, queries, key: keyA, readOnlyKey: readOnlyA, otherKey: keyB, unboundKey: keyC } = stack);
    agentA = (await a('POST', '/api/v1/agents', { name: 'support-bot', description: 'Answers tickets', config: { model: 'x' } })).body;
    sessionA = (await a('POST', '/api/v1/sessions', { agent_id: agentA.id, metadata: { task: 'onboarding' } })).body;
    const write = (memory: Record<string, unknown>) => a('POST', '/api/v1/memories', { agent_id: agentA.id, session_id: sessionA.id, ...memory });
    for (const memory of [
      { content: 'Customer prefers email', tags: ['preference', 'email'] },
      { content: 'Offer the annual plan', memory_type: 'decision', event_type: 'decision', metadata: { reasoning: 'budget approved' } },
      { content: 'Payment API timed out', event_type: 'error' },
      { content: "O'Reilly 100% _done_ \\ quoted", tags: ['weird'] },
    ]) {
      expect((await write(memory)).status).toBe(201);
    }
  });

  afterAll(() => stack?.close());

  describe('agents and sessions (PostgreSQL)', () => {
    it('registers an agent with upstream shape; a duplicate name is 409 with upstream text; name required', async () => {
      expect(agentA).toMatchObject({ id: expect.stringMatching(/^agent_[0-9a-f]{24}$/), org_id: stack.orgId, name: 'support-bot', description: 'Answers tickets', config: { model: 'x' } });
      expect(Date.parse((agentA as any).created_at)).not.toBeNaN();
      const duplicate = await a('POST', '/api/v1/agents', { name: 'support-bot' });
      expect(duplicate).toMatchObject({ status: 409, body: { error: "agent 'support-bot' already exists in this organization" } });
      expect(await a('POST', '/api/v1/agents', {})).toMatchObject({ status: 400, body: { error: 'name is required' } });
      expect((await httpRequest(gateways[0], 'POST', '/api/v1/agents', { key: readOnlyA, json: { name: 'nope' } })).status).toBe(403);
    });

    it('lists agents, gets one by id or by name, 404 otherwise', async () => {
      const list = await httpRequest(gateways[1], 'GET', '/api/v1/agents', { key: readOnlyA });
      expect(list).toMatchObject({ status: 200, body: { count: 1, agents: [{ id: agentA.id }] } });
      expect((await a('GET', `/api/v1/agents/${agentA.id}`)).body).toEqual(agentA);
      expect((await a('GET', '/api/v1/agents/support-bot')).body).toEqual(agentA);
      expect(await a('GET', '/api/v1/agents/nobody')).toMatchObject({ status: 404, body: { error: 'agent not found' } });
    });

    it('creates, lists, gets and updates sessions; metadata merges; closed sets closed_at; unknowns are 404', async () => {
      expect(sessionA).toMatchObject({ id: expect.stringMatching(/^sess_[0-9a-f]{24}$/), agent_id: agentA.id, status: 'active', metadata: { task: 'onboarding' } });
      expect(sessionA).not.toHaveProperty('closed_at');
      const other = (await a('POST', '/api/v1/sessions', { agent_id: agentA.id })).body;
      // An unregistered agent id is kept as given (sessions-any-agent.e2e-spec.ts covers it fully).
      const unregistered = await a('POST', '/api/v1/sessions', { agent_id: 'agent_ghost' });
      expect(unregistered).toMatchObject({ status: 201, body: { agent_id: 'agent_ghost' } });
      expect(await a('POST', '/api/v1/sessions', {})).toMatchObject({ status: 400, body: { error: 'agent_id is required' } });

      const byAgent = await a('GET', `/api/v1/sessions?agent_id=${agentA.id}`);
      expect(byAgent.body.count).toBe(2);
      expect((await a('GET', '/api/v1/sessions?agent_id=agent%20with%20spaces')).body).toEqual({ sessions: [], count: 0 });

      const paused = await a('PUT', `/api/v1/sessions/${other.id}`, { status: 'paused', metadata: { step: 2 } });
      expect(paused.body).toMatchObject({ status: 'paused', metadata: { step: 2 } });
      const closed = await a('PUT', `/api/v1/sessions/${other.id}`, { status: 'closed', metadata: { done: true } });
      expect(closed).toMatchObject({ status: 200, body: { status: 'closed', metadata: { step: 2, done: true } } });
      expect(Date.parse(closed.body.closed_at)).not.toBeNaN();
      expect((await a('GET', `/api/v1/sessions/${other.id}`)).body).toEqual(closed.body);
      expect(await a('PUT', '/api/v1/sessions/sess_unknown', { status: 'closed' })).toMatchObject({ status: 404, body: { error: 'session not found' } });
      expect(await a('GET', '/api/v1/sessions/sess_unknown')).toMatchObject({ status: 404, body: { error: 'session not found' } });
    });

    it('percent-encoded path ids as the SDKs send them are decoded and answer 404, never 5xx', async () => {
      for (const path of ['/api/v1/agents/a%2Fb%2Fc', '/api/v1/agents/..%2Fadmin', '/api/v1/sessions/sess%20with%20space']) {
        expect((await a('GET', path)).status).toBe(404);
      }
      expect((await a('GET', `/api/v1/agents/${encodeURIComponent('support-bot')}`)).body.id).toBe(agentA.id);
    });

    it('deletes an agent with its sessions (204, empty body), by id only', async () => {
      const doomed = (await a('POST', '/api/v1/agents', { name: 'doomed' })).body;
      const session = (await a('POST', '/api/v1/sessions', { agent_id: doomed.id })).body;
      expect((await a('DELETE', '/api/v1/agents/doomed')).status).toBe(404);
      const deleted = await a('DELETE', `/api/v1/agents/${doomed.id}`);
      expect(deleted).toMatchObject({ status: 204, text: '' });
      expect((await a('GET', `/api/v1/sessions/${session.id}`)).status).toBe(404);
      expect(await a('DELETE', `/api/v1/agents/${doomed.id}`)).toMatchObject({ status: 404, body: { error: 'agent not found' } });
    });
  });

  describe('memory reads', () => {
    it('read-your-writes: a write on one gateway is read at once on the other (by id, list, search)', async () => {
      for (let i = 0; i < 30; i++) {
        const content = `ryw check ${i}`;
        const written = await httpRequest(gateways[i % 2], 'POST', '/api/v1/memories', { key: keyA, json: { agent_id: 'ryw-agent', content } });
        expect(written.status).toBe(201);
        const other = gateways[(i + 1) % 2];
        const byId = await httpRequest(other, 'GET', `/api/v1/memories/${written.body.id}`, { key: keyA });
        expect(byId).toMatchObject({ status: 200, body: { id: written.body.id, content } });
        const list = await httpRequest(other, 'GET', '/api/v1/memories?agent_id=ryw-agent&limit=1', { key: keyA });
        expect(list.body.memories[0].id).toBe(written.body.id);
      }
      const search = await httpRequest(gateways[1], 'POST', '/api/v1/search', { key: keyA, json: { agent_id: 'ryw-agent', content_contains: 'ryw check 29' } });
      expect(search.body.results.map((m: { content: string }) => m.content)).toEqual(['ryw check 29']);
    });

    it('read-your-writes under concurrent load: 400 write-then-read pairs over 2 gateways and 2 query processes, zero misses', async () => {
      const misses: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (next < 400) {
            const n = next++;
            const written = await httpRequest(gateways[n % 2], 'POST', '/api/v1/memories', { key: keyA, json: { agent_id: 'load-agent', content: `load ${n}` } });
            expect(written.status).toBe(201);
            const read = await httpRequest(gateways[(n + 1) % 2], 'GET', `/api/v1/memories/${written.body.id}`, { key: keyA });
            if (read.status !== 200) misses.push(`${n}: ${read.status}`);
          }
        }),
      );
      expect(misses).toEqual([]);
    });

    it('GET /memories: upstream envelope, filters, has_more = count >= limit, order', async () => {
      const all = await httpRequest(gateways[1], 'GET', `/api/v1/memories?agent_id=${agentA.id}`, { key: readOnlyA });
      expect(all).toMatchObject({ status: 200, body: { count: 4, has_more: false } });
      expect(all.body.memories[0]).toMatchObject({ id: expect.stringMatching(UUID), org_id: stack.orgId, agent_id: agentA.id, session_id: sessionA.id });
      const page = await a('GET', `/api/v1/memories?agent_id=${agentA.id}&limit=2&offset=1&order=asc`);
      expect(page.body).toMatchObject({ count: 2, has_more: true });
      expect(page.body.memories.map((m: { content: string }) => m.content)).toEqual(['Offer the annual plan', 'Payment API timed out']);
      const tagged = await a('GET', '/api/v1/memories?tags=preference,email&since=1h');
      expect(tagged.body.memories.map((m: { content: string }) => m.content)).toEqual(['Customer prefers email']);
      expect((await a('GET', '/api/v1/memories?tags=pref')).body.count).toBe(0);
      const decisions = await a('GET', '/api/v1/memories?memory_type=decision');
      expect(decisions.body.memories).toEqual([expect.objectContaining({ metadata: { reasoning: 'budget approved' } })]);
    });

    it('bad filters are 400 with upstream messages', async () => {
      const badId = await a('GET', '/api/v1/memories?agent_id=bad%20id');
      expect(badId).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^invalid agent_id: invalid ID format/) } });
      expect((await a('GET', '/api/v1/memories?since=yesterday')).status).toBe(400);
      expect((await a('GET', '/api/v1/memories?memory_type=a%27b')).status).toBe(400);
      expect((await a('POST', '/api/v1/search', { memory_types: ['ok', 'no way'] })).status).toBe(400);
      expect((await a('POST', '/api/v1/search', [1, 2])).status).toBe(400);
      expect((await a('GET', '/api/v1/agents/bad%20id/stats')).status).toBe(400);
      for (const [query, error] of [
        ['bucket=2h', /^invalid bucket: '2h' is not one of 1m, 5m, 15m, 1h, 6h, 1d$/],
        ['since=yesterday', /^invalid since: 'yesterday' is neither a relative window nor an RFC 3339 timestamp$/],
        ['since=1h&until=2h', /^invalid until: must be after since$/],
        // 7 days of minutes, one more when the window does not start on a minute.
        ['since=7d&bucket=1m', /^invalid bucket: the window would have 1008[01] buckets of 1m, at most 5000$/],
      ] as const) {
        expect(await a('GET', `/api/v1/agents/${agentA.id}/activity?${query}`)).toMatchObject({ status: 400, body: { error: expect.stringMatching(error), code: 'bad_request' } });
      }
      expect((await a('GET', '/api/v1/agents/bad%20id/activity')).status).toBe(400);
      expect((await a('POST', `/api/v1/sessions/${sessionA.id}/context`, { max_tokens: -3 })).status).toBe(400);
    });

    it('fuzzed filters (quotes, %, _, backslashes, SQL, unicode, huge) never 5xx and never return a non-matching row', async () => {
      const nasty = fc.oneof(
        fc.constantFrom("'", "''", '%', '_', '\\', '"', "' OR 1=1 --", '; DROP TABLE events', 'ünï😀', 'a'.repeat(5000), 'agent_1', 'weird', '24h', '-1', '1e9'),
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
      );
      const param = fc.constantFrom('agent_id', 'session_id', 'memory_type', 'event_type', 'tags', 'since', 'until', 'limit', 'offset', 'order');
      await fc.assert(
        fc.asyncProperty(param, nasty, nasty, async (name, value, content) => {
          const list = await a('GET', `/api/v1/memories?${name}=${encodeURIComponent(value)}`);
          expect(list.status).toBeLessThan(500);
          // An empty value means "not given", as upstream.
          if (list.status === 200 && name === 'agent_id' && value !== '') for (const m of list.body.memories) expect(m.agent_id).toBe(value);
          if (list.status === 200 && name === 'tags') {
            const wanted = value.split(',').map((t) => t.trim()).filter(Boolean);
            for (const m of list.body.memories) for (const tag of wanted) expect(m.tags).toContain(tag);
          }
          const search = await a('POST', '/api/v1/search', { content_contains: content, tags: [value], agent_id: value });
          expect(search.status).toBeLessThan(500);
          if (search.status === 200) for (const m of search.body.results) expect(m.content).toContain(content);
        }),
        { numRuns: 100 },
      );
    });

    it('GET /memories/:id: 200 by id, 404 otherwise', async () => {
      const [first] = (await a('GET', `/api/v1/memories?agent_id=${agentA.id}&limit=1`)).body.memories;
      expect((await a('GET', `/api/v1/memories/${first.id}`)).body).toEqual(first);
      expect(await a('GET', '/api/v1/memories/0198c0de-0000-7000-8000-000000000000')).toMatchObject({ status: 404, body: { error: 'memory not found' } });
      expect((await a('GET', "/api/v1/memories/not-a-uuid'--")).status).toBe(404);
    });

    it('POST /search: {results, count, query_time_ms:int}; content_contains is literal', async () => {
      const search = await a('POST', '/api/v1/search', { content_contains: "O'Reilly 100% _done_ \\", limit: 5 });
      expect(search.status).toBe(200);
      expect(search.body).toMatchObject({ count: 1, results: [{ tags: ['weird'] }] });
      expect(Number.isInteger(search.body.query_time_ms)).toBe(true);
      expect((await a('POST', '/api/v1/search', { content_contains: '100%_' })).body.count).toBe(0);
      const empty = await httpRequest(gateways[0], 'POST', '/api/v1/search', { key: keyA });
      expect(empty.status).toBe(200);
      expect(Object.keys(empty.body).sort()).toEqual(['count', 'query_time_ms', 'results']);
    });

    it('agent and session memories, and agent stats with every field', async () => {
      const agentMemories = await a('GET', `/api/v1/agents/${agentA.id}/memories?limit=10&since=2h&order=desc`);
      expect(agentMemories.body).toMatchObject({ count: 4, has_more: false });
      const sessionMemories = await a('GET', `/api/v1/sessions/${sessionA.id}/memories?memory_type=decision`);
      expect(sessionMemories.body).toMatchObject({ count: 1, memories: [{ session_id: sessionA.id, memory_type: 'decision' }] });
      const stats = await a('GET', `/api/v1/agents/${agentA.id}/stats`);
      expect(stats).toMatchObject({
        status: 200,
        body: { agent_id: agentA.id, memory_count: 4, memories_24h: 4, errors_24h: 1, session_count: 2, active_sessions: 1, memory_types: { episodic: 3, decision: 1 } },
      });
      expect((await a('GET', '/api/v1/agents/agent_nobody/stats')).body).toEqual({
        agent_id: 'agent_nobody', memory_count: 0, memories_24h: 0, errors_24h: 0, session_count: 0, active_sessions: 0, memory_types: {},
      });
    });

    it('agent activity: counts per bucket and type with errors, by id or name alike, store and hot tier', async () => {
      const byId = await httpRequest(gateways[1], 'GET', `/api/v1/agents/${agentA.id}/activity?since=2h&bucket=5m`, { key: readOnlyA });
      expect(byId).toMatchObject({ status: 200, body: { agent_id: agentA.id, bucket: '5m', bucket_seconds: 300, memory_types: ['decision', 'episodic'], total: 4, errors: 1 } });
      // 2 h of 5 minutes: 24 buckets, or 25 when the window does not start on a bucket boundary.
      expect([24, 25]).toContain(byId.body.buckets.length);
      const counted = byId.body.buckets.filter((b: { total: number }) => b.total > 0);
      expect(counted.reduce((sum: number, b: { counts: Record<string, number> }) => sum + (b.counts.episodic ?? 0), 0)).toBe(3);
      // The name matches the same memories (the agent's aliases), as stats do.
      const byName = await a('GET', `/api/v1/agents/support-bot/activity?since=${encodeURIComponent(byId.body.since)}&until=${encodeURIComponent(byId.body.until)}&bucket=5m`);
      expect({ ...byName.body, agent_id: agentA.id }).toEqual(byId.body);
      // A write is counted at once (from the hot tier while the store does not show it yet).
      expect((await a('POST', '/api/v1/memories', { agent_id: 'activity-agent', content: 'counted at once', event_type: 'error' })).status).toBe(201);
      const fresh = await httpRequest(gateways[1], 'GET', '/api/v1/agents/activity-agent/activity?since=1h&bucket=1m', { key: keyA });
      expect(fresh.body).toMatchObject({ total: 1, errors: 1, memory_types: ['episodic'] });
      expect((await a('GET', '/api/v1/agents/agent_nobody/activity')).body).toMatchObject({ total: 0, errors: 0, memory_types: [], bucket: '1h' });
    });

    it("an agent's last_active_at follows its stored memories (agent and stats)", async () => {
      await waitFor(async () => Boolean((await a('GET', `/api/v1/agents/${agentA.id}`)).body.last_active_at), 15_000, 'last_active_at');
      const agent = (await a('GET', '/api/v1/agents/support-bot')).body;
      const [newest] = (await a('GET', `/api/v1/memories?agent_id=${agentA.id}&limit=1`)).body.memories;
      expect(Date.parse(agent.last_active_at)).toBe(Math.floor(Date.parse(newest.time)));
      expect((await a('GET', `/api/v1/agents/${agentA.id}/stats`)).body.last_active_at).toBe(agent.last_active_at);
    });

    it('session context: optional or null body, upstream layout, token budget honoured', async () => {
      const path = `/api/v1/sessions/${sessionA.id}/context`;
      const none = await httpRequest(gateways[0], 'POST', path, { key: keyA });
      const nullBody = await httpRequest(gateways[1], 'POST', path, { key: keyA, raw: 'null' });
      expect(none.status).toBe(200);
      expect(nullBody.body).toEqual(none.body);
      // As upstream: an empty body means the defaults (SDKs send Content-Type anyway).
      expect((await httpRequest(gateways[0], 'POST', path, { key: keyA, raw: '' })).body).toEqual(none.body);
      // Malformed JSON is a 400 here as on every other route (upstream silently used the defaults).
      expect((await httpRequest(gateways[0], 'POST', path, { key: keyA, raw: '{not json' })).status).toBe(400);
      expect((await httpRequest(gateways[0], 'POST', '/api/v1/search', { key: keyA, raw: '{not json' })).status).toBe(400);
      expect(none.body).toMatchObject({ session_id: sessionA.id, memory_count: 4, truncated: false, omitted_count: 0 });
      expect(none.body.context).toMatch(new RegExp(`^## Session Context \\(${sessionA.id}\\)\\n`));
      expect(none.body.context).toContain('### Decisions Made (1)');
      expect(none.body.context).toContain('budget approved');
      const budgeted = await a('POST', path, { max_tokens: 40, include_types: ['episodic', 'decision'] });
      expect(budgeted.body.token_count).toBeLessThanOrEqual(40);
      expect(budgeted.body.truncated).toBe(true);
    });

    it('agent context renders the agent across its sessions', async () => {
      const context = await a('POST', `/api/v1/agents/${agentA.id}/context`, { since: '1h' });
      expect(context).toMatchObject({ status: 200, body: { agent_id: agentA.id, memory_count: 4 } });
      expect(context.body.context).toContain('Offer the annual plan');
    });

    it('an org without a store binding gets 503 with the arc instance text on every store read', async () => {
      const c = (method: string, path: string, body?: unknown) => httpRequest(gateways[0], method, path, { key: keyC, json: body });
      for (const reply of [
        await c('GET', '/api/v1/memories'),
        await c('GET', '/api/v1/memories/0198c0de-0000-7000-8000-000000000000'),
        await c('POST', '/api/v1/search', {}),
        await c('GET', '/api/v1/agents/x/memories'),
        await c('GET', '/api/v1/agents/x/stats'),
        await c('GET', '/api/v1/agents/x/activity'),
        await c('GET', '/api/v1/sessions/s/memories'),
        await c('POST', '/api/v1/sessions/s/context'),
        await c('POST', '/api/v1/agents/x/context'),
      ]) {
        expect(reply).toMatchObject({ status: 503, body: { error: 'no arc instance configured for this org' } });
      }
      // Agents and sessions live in PostgreSQL and work without a store.
      expect((await c('POST', '/api/v1/agents', { name: 'support-bot' })).status).toBe(201);
    });
  });

  describe('tenant isolation: a key of org B never sees org A', () => {
    it('memories: by id, list, search, agent and session memories, stats, context', async () => {
      expect((await b('POST', '/api/v1/memories', { agent_id: agentA.id, content: 'B memory' })).status).toBe(201);
      const [memoryA] = (await a('GET', `/api/v1/memories?agent_id=${agentA.id}&limit=1`)).body.memories;
      expect((await b('GET', `/api/v1/memories/${memoryA.id}`)).status).toBe(404);
      const listB = await b('GET', `/api/v1/memories?agent_id=${agentA.id}`);
      expect(listB.body.memories.map((m: { content: string }) => m.content)).toEqual(['B memory']);
      expect((await b('POST', '/api/v1/search', { content_contains: 'Customer' })).body.count).toBe(0);
      expect((await b('GET', `/api/v1/agents/${agentA.id}/memories`)).body.count).toBe(1);
      expect((await b('GET', `/api/v1/sessions/${sessionA.id}/memories`)).body.count).toBe(0);
      const statsB = (await b('GET', `/api/v1/agents/${agentA.id}/stats`)).body;
      expect(statsB).toMatchObject({ memory_count: 1, session_count: 0, errors_24h: 0 });
      // Activity of the same agent id counts B's one memory, never A's four (nor A's alias support-bot).
      expect((await b('GET', `/api/v1/agents/${agentA.id}/activity`)).body).toMatchObject({ total: 1, errors: 0, memory_types: ['episodic'] });
      expect((await b('GET', '/api/v1/agents/support-bot/activity')).body).toMatchObject({ total: 0 });
      expect((await b('POST', `/api/v1/sessions/${sessionA.id}/context`)).body).toMatchObject({ memory_count: 0 });
      expect((await b('POST', `/api/v1/agents/${agentA.id}/context`)).body.context).not.toContain('Customer');
    });

    it('agents and sessions: by id and by name, list, update, delete, session create', async () => {
      expect((await b('GET', `/api/v1/agents/${agentA.id}`)).status).toBe(404);
      expect((await b('GET', '/api/v1/agents/support-bot')).status).toBe(404);
      expect((await b('GET', '/api/v1/agents')).body).toEqual({ agents: [], count: 0 });
      expect((await b('DELETE', `/api/v1/agents/${agentA.id}`)).status).toBe(404);
      expect((await a('GET', `/api/v1/agents/${agentA.id}`)).status).toBe(200);
      expect((await b('GET', `/api/v1/sessions/${sessionA.id}`)).status).toBe(404);
      expect((await b('PUT', `/api/v1/sessions/${sessionA.id}`, { status: 'hijacked' })).status).toBe(404);
      expect((await a('GET', `/api/v1/sessions/${sessionA.id}`)).body.status).toBe('active');
      expect((await b('GET', '/api/v1/sessions')).body).toEqual({ sessions: [], count: 0 });
      // In org B, A's agent id is just a free-form id: B gets its own session, A never sees it.
      const sessionB = await b('POST', '/api/v1/sessions', { agent_id: agentA.id });
      expect(sessionB).toMatchObject({ status: 201, body: { agent_id: agentA.id } });
      expect((await a('GET', `/api/v1/sessions/${sessionB.body.id}`)).status).toBe(404);
      expect((await a('GET', `/api/v1/sessions?agent_id=${agentA.id}`)).body.sessions.map((s: { id: string }) => s.id)).not.toContain(sessionB.body.id);
      // The same agent name may exist in both orgs.
      expect((await b('POST', '/api/v1/agents', { name: 'support-bot' })).status).toBe(201);
    });
  });

  describe('outages', () => {
    it("an org's store down: reads answer 503 with a hint, never 500", async () => {
      await stack.arc.setFaults({ down: true });
      try {
        const reply = await a('GET', `/api/v1/memories?agent_id=${agentA.id}`);
        expect(reply).toMatchObject({ status: 503, body: { code: 'store_unavailable', hint: expect.any(String) } });
        expect((await a('POST', `/api/v1/sessions/${sessionA.id}/context`)).status).toBe(503);
      } finally {
        await stack.arc.setFaults({ down: false });
      }
    });

    it('query processes down: reads fail over to the other, answer 503 when none is up, and recover on restart', async () => {
      expect(await queries[0].stop()).toBe(0);
      for (let i = 0; i < 4; i++) expect((await a('GET', '/api/v1/memories?limit=1')).status).toBe(200);
      expect(await queries[1].stop()).toBe(0);
      const down = await a('GET', '/api/v1/memories');
      expect(down).toMatchObject({ status: 503, body: { error: 'the query service is unavailable', code: 'query_unavailable' } });
      expect((await a('GET', '/api/v1/agents')).status).toBe(200);
      queries[0] = await stack.spawn('query');
      await waitFor(async () => (await a('GET', '/api/v1/memories?limit=1')).status === 200, 10_000, 'reads after a query process restarted');
    });
  });
});
