import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  AuthenticationError,
  ConflictError,
  Memtrace,
  MemtraceError,
  NoArcInstanceError,
  NotFoundError,
  runMemoryTool,
} from '@memtrace/sdk';
import { CLIENT_STACK, createStack, TenantStack } from '@memtrace/testing';

jest.setTimeout(120_000);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('@memtrace/sdk against the real stack (gateway, worker, query, admin; Arc double)', () => {
  let env: TenantStack;
  let memtrace: Memtrace;

  beforeAll(async () => {
    env = await createStack(CLIENT_STACK);
    // A trailing slash, as users paste base URLs, must not matter.
    memtrace = new Memtrace(`${env.baseUrl}/`, env.key, { retryBaseDelay: 50 });
  }, 120_000);
  afterAll(() => env?.close());

  const errorOf = (promise: Promise<unknown>) => promise.then(
    () => undefined,
    (error: unknown) => error as MemtraceError,
  );

  it('agents: register, 409 on a taken name, get by id and by name, list, stats, delete', async () => {
    const agent = await memtrace.registerAgent({ name: 'sdk-support', description: 'support bot', config: { model: 'x' } });
    expect(agent).toMatchObject({ name: 'sdk-support', description: 'support bot', config: { model: 'x' } });
    expect(agent.id).toMatch(/^agent_[0-9a-f]{24}$/);
    expect(agent.created_at).toMatch(RFC3339);

    const taken = await errorOf(memtrace.registerAgent({ name: 'sdk-support' }));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken?.statusCode).toBe(409);

    // The upstream examples' recovery from a 409: fetch the agent by its name.
    expect(await memtrace.getAgent('sdk-support')).toEqual(agent);
    expect(await memtrace.getAgent(agent.id)).toEqual(agent);
    expect((await memtrace.listAgents()).agents.map((a) => a.id)).toContain(agent.id);

    const stats = await memtrace.getAgentStats(agent.id);
    expect(stats).toEqual({ agent_id: agent.id, memory_count: 0, memories_24h: 0, errors_24h: 0, session_count: 0, active_sessions: 0, memory_types: {} });

    const doomed = await memtrace.registerAgent({ name: 'sdk-doomed' });
    await memtrace.createSession({ agent_id: doomed.id });
    await expect(memtrace.deleteAgent(doomed.id)).resolves.toBeUndefined();
    expect(await errorOf(memtrace.getAgent(doomed.id))).toBeInstanceOf(NotFoundError);
    expect((await memtrace.listSessions(doomed.id)).count).toBe(0);
    expect(await errorOf(memtrace.deleteAgent(doomed.id))).toBeInstanceOf(NotFoundError);
  });

  it('memories: remember, decide, addMemory, addMemories; each readable at once by id, list, search, agent and session', async () => {
    const agent = await memtrace.registerAgent({ name: 'sdk-writer' });
    const session = await memtrace.createSession({ agent_id: agent.id, metadata: { ticket: 'T-1' } });

    const remembered = await memtrace.remember(agent.id, 'customer prefers email over phone', { session_id: session.id, tags: ['preference'] });
    expect(remembered).toMatchObject({ agent_id: agent.id, memory_type: 'episodic', event_type: 'general', session_id: session.id, tags: ['preference'] });
    expect(remembered.time).toMatch(RFC3339);
    expect(remembered.id).toBeDefined();

    const decision = await memtrace.decide(agent.id, 'offer a refund', 'the order arrived broken', { session_id: session.id });
    expect(decision).toMatchObject({ memory_type: 'decision', event_type: 'decision', metadata: { reasoning: 'the order arrived broken' } });

    const entity = await memtrace.addMemory({
      agent_id: agent.id,
      session_id: session.id,
      memory_type: 'entity',
      event_type: 'customer',
      content: 'Ada Lovelace, account 42',
      importance: 0.9,
      metadata: { account: 42 },
    });
    const batch = await memtrace.addMemories([
      { agent_id: agent.id, session_id: session.id, content: 'looked up order 7', event_type: 'action' },
      { agent_id: agent.id, session_id: session.id, content: 'payment API timed out', event_type: 'error' },
    ]);
    expect(batch.map((m) => m.content)).toEqual(['looked up order 7', 'payment API timed out']);
    const ids = [remembered, decision, entity, ...batch].map((m) => m.id);

    expect(await memtrace.getMemory(entity.id!)).toMatchObject({ id: entity.id, content: 'Ada Lovelace, account 42', importance: 0.9 });

    const recalled = await memtrace.recall(agent.id, '1h');
    expect(recalled.memories.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(recalled).toMatchObject({ count: 5, has_more: false });

    const listed = await memtrace.listMemories({ agent_id: agent.id, tags: ['preference'], order: 'asc' });
    expect(listed.memories.map((m) => m.id)).toEqual([remembered.id]);

    const found = await memtrace.searchMemories({ agent_id: agent.id, content_contains: 'order', min_importance: 0 });
    expect(found.results.map((m) => m.content)).toEqual(['looked up order 7']);
    expect(Number.isInteger(found.query_time_ms)).toBe(true);

    expect((await memtrace.getAgentMemories(agent.id, { memory_type: 'decision' })).memories.map((m) => m.id)).toEqual([decision.id]);
    expect((await memtrace.getSessionMemories(session.id, { limit: 2 })).memories).toHaveLength(2);

    const stats = await memtrace.getAgentStats(agent.id);
    expect(stats).toMatchObject({ memory_count: 5, memories_24h: 5, errors_24h: 1, session_count: 1, active_sessions: 1 });
    expect(stats.memory_types).toEqual({ episodic: 3, decision: 1, entity: 1 });
  });

  it('a duplicate memory is a ConflictError; a duplicate inside a batch is skipped', async () => {
    await memtrace.remember('sdk-dup', 'the same thing twice');
    const duplicate = await errorOf(memtrace.remember('sdk-dup', 'the same thing twice'));
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate?.message).toBe('duplicate memory');
    const batch = await memtrace.addMemories([
      { agent_id: 'sdk-dup', content: 'the same thing twice' },
      { agent_id: 'sdk-dup', content: 'something new' },
    ]);
    expect(batch.map((m) => m.content)).toEqual(['something new']);
  });

  it('sessions: create, get, list (all and by agent), update merges metadata, close, context of session and agent', async () => {
    const agent = await memtrace.registerAgent({ name: 'sdk-sessions' });
    const first = await memtrace.createSession({ agent_id: agent.id, metadata: { channel: 'chat' } });
    expect(first).toMatchObject({ agent_id: agent.id, status: 'active', metadata: { channel: 'chat' } });
    expect(first.id).toMatch(/^sess_[0-9a-f]{24}$/);
    expect(await memtrace.getSession(first.id)).toEqual(first);
    expect((await memtrace.listSessions()).sessions.map((s) => s.id)).toContain(first.id);
    expect(await memtrace.listSessions(agent.id)).toEqual({ sessions: [first], count: 1 });

    const updated = await memtrace.updateSession(first.id, { metadata: { priority: 'high' } });
    expect(updated.metadata).toEqual({ channel: 'chat', priority: 'high' });

    await memtrace.remember(agent.id, 'greeted the customer', { session_id: first.id, event_type: 'action' });
    await memtrace.decide(agent.id, 'escalate to tier 2', 'two failed fixes', { session_id: first.id });
    const context = await memtrace.getSessionContext(first.id, { since: '1h', max_tokens: 500 });
    expect(context).toMatchObject({ session_id: first.id, memory_count: 2, truncated: false, omitted_count: 0 });
    expect(context.context).toMatch(new RegExp(`^## Session Context \\(${first.id}\\)`));
    expect(context.context).toContain('escalate to tier 2');
    expect(context.token_count).toBeLessThanOrEqual(500);

    const closed = await memtrace.closeSession(first.id);
    expect(closed.status).toBe('closed');
    expect(closed.closed_at).toMatch(RFC3339);

    // A brand-new session is empty; the agent context carries what the agent knows across sessions.
    const second = await memtrace.createSession({ agent_id: agent.id });
    expect((await memtrace.getSessionContext(second.id)).memory_count).toBe(0);
    const agentContext = await memtrace.getAgentContext(agent.id, { max_tokens: 1000 });
    expect(agentContext).toMatchObject({ agent_id: agent.id, memory_count: 2 });
    expect(agentContext.context).toContain('greeted the customer');
  });

  it('maps every server error to its class: 401, 403, 404, 409, 400, and the arc-instance 503', async () => {
    const wrongKey = new Memtrace(env.baseUrl, 'mtk_not-a-real-key', { maxRetries: 0 });
    const unauthenticated = await errorOf(wrongKey.listAgents());
    expect(unauthenticated).toBeInstanceOf(AuthenticationError);
    expect(unauthenticated?.statusCode).toBe(401);

    const readOnly = new Memtrace(env.baseUrl, env.readOnlyKey);
    const forbidden = await errorOf(readOnly.remember('a', 'not allowed'));
    expect(forbidden).toBeInstanceOf(MemtraceError);
    expect(forbidden?.statusCode).toBe(403);

    for (const missing of [memtrace.getAgent('agent_000000000000000000000000'), memtrace.getSession('sess_nope'), memtrace.getMemory('0190a1b2-0000-7000-8000-000000000000')]) {
      expect(await errorOf(missing)).toBeInstanceOf(NotFoundError);
    }
    expect(await errorOf(memtrace.updateSession('sess_nope', { status: 'closed' }))).toBeInstanceOf(NotFoundError);
    // Any agent id starts a session (sessions-any-agent.e2e-spec.ts); one that is not an id is a 400.
    const badAgent = await errorOf(memtrace.createSession({ agent_id: 'not an agent id' }));
    expect(badAgent?.constructor).toBe(MemtraceError);
    expect(badAgent).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^invalid agent_id/) });

    const invalid = await errorOf(memtrace.listMemories({ since: 'yesterday' }));
    expect(invalid?.constructor).toBe(MemtraceError);
    expect(invalid?.statusCode).toBe(400);

    const unbound = new Memtrace(env.baseUrl, env.unboundKey);
    const noStore = await errorOf(unbound.recall('a'));
    expect(noStore).toBeInstanceOf(NoArcInstanceError);
    expect(noStore).toMatchObject({ statusCode: 503, message: 'no arc instance configured for this org' });
    expect(noStore?.hint).toBeTruthy();
  });

  it('a store outage is a retried 503 with a hint, not a NoArcInstanceError', async () => {
    await env.arc.setFaults({ down: true });
    try {
      const error = await errorOf(new Memtrace(env.baseUrl, env.key, { maxRetries: 1, retryBaseDelay: 10 }).listMemories({ agent_id: 'x' }));
      expect(error).toBeInstanceOf(MemtraceError);
      expect(error).not.toBeInstanceOf(NoArcInstanceError);
      expect(error?.statusCode).toBe(503);
      expect(error?.hint).toBeTruthy();
    } finally {
      await env.arc.setFaults({ down: false });
    }
  });

  it('the provider-neutral memory tools run against the server and report errors as results', async () => {
    const binding = { agentId: 'sdk-tools', sessionId: undefined };
    const stored = await runMemoryTool(memtrace, binding, 'memtrace_remember', '{"content":"tool-made memory","tags":["t"]}');
    expect(stored.isError).toBe(false);
    expect(JSON.parse(stored.content)).toMatchObject({ agent_id: 'sdk-tools', content: 'tool-made memory' });
    const recalled = await runMemoryTool(memtrace, binding, 'memtrace_recall', { since: '1h', limit: 500 });
    expect(JSON.parse(recalled.content).memories.map((m: { content: string }) => m.content)).toEqual(['tool-made memory']);
    const duplicate = await runMemoryTool(memtrace, binding, 'memtrace_remember', { content: 'tool-made memory', tags: ['t'] });
    expect(duplicate).toEqual({ isError: true, content: JSON.stringify({ error: 'duplicate memory', status: 409 }) });
    expect(await runMemoryTool(memtrace, binding, 'memtrace_decide', { decision: 'x' })).toEqual({ isError: true, content: JSON.stringify({ error: "'reasoning' is required" }) });
  });

  it('the built ESM package (libs/sdk/dist) works from plain Node with zero dependencies', () => {
    const pkg = require(join(__dirname, '../../libs/sdk/package.json'));
    expect(pkg.dependencies ?? {}).toEqual({});
    const script = `
      import { Memtrace, NotFoundError } from '@memtrace/sdk';
      const client = new Memtrace(process.env.URL, process.env.KEY);
      const agents = await client.listAgents();
      const missing = await client.getAgent('nobody-by-that-name').catch((e) => e);
      console.log(JSON.stringify({ count: agents.count, notFound: missing instanceof NotFoundError }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(__dirname, '../..'),
      env: { PATH: process.env.PATH, URL: env.baseUrl, KEY: env.key },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout);
    expect(out.notFound).toBe(true);
    expect(out.count).toBeGreaterThan(0);
  });
});
