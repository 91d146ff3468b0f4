import { Memtrace, MemtraceError } from '@memtrace/sdk';
import { ARC_DB, ARC_TOKEN, createStack, TenantStack } from '@memtrace/testing';

jest.setTimeout(90_000);

/*
 * Sessions for any agent id, as upstream's quick starts create them: a registered agent's id, its
 * name, or an id nobody registered. Everything keyed by one agent (its sessions, stats and context)
 * is the same whichever of its names a caller uses, and never reaches into another org.
 */
describe('sessions for any agent id (gateway, query, ingest worker; Arc double; two orgs)', () => {
  let stack: TenantStack;
  let a: Memtrace;
  let b: Memtrace;

  beforeAll(async () => {
    stack = await createStack();
    const orgB = stack.cli(['org', 'create', 'other-co']);
    stack.cli(['org', 'add-arc', orgB.id, '--url', stack.arc.url, '--database', `${ARC_DB}_b`, '--api-key', ARC_TOKEN]);
    const keyB = stack.cli(['key', 'create', '--org', orgB.id, '--name', 'b', '--permissions', 'read,write']).key;
    await stack.spawn('query');
    await stack.spawn('ingest-worker');
    const gateway = await stack.spawn('gateway');
    a = new Memtrace(gateway.url(), stack.key);
    b = new Memtrace(gateway.url(), keyB);
  });
  afterAll(() => stack?.close());

  const sessionIds = async (client: Memtrace, agentId: string) => (await client.listSessions(agentId)).sessions.map((s) => s.id).sort();

  it('an unregistered agent id is kept as given; its sessions, stats and context agree', async () => {
    const session = await a.createSession({ agent_id: 'support_agent', metadata: { channel: 'chat' } });
    expect(session).toMatchObject({ agent_id: 'support_agent', status: 'active', metadata: { channel: 'chat' } });
    await a.addMemory({ agent_id: 'support_agent', session_id: session.id, content: 'Customer asked about refunds' });

    expect(await sessionIds(a, 'support_agent')).toEqual([session.id]);
    expect(await a.getAgentStats('support_agent')).toMatchObject({ session_count: 1, active_sessions: 1, memory_count: 1 });
    const context = await a.getAgentContext('support_agent', { since: '1h' });
    expect(context).toMatchObject({ agent_id: 'support_agent', memory_count: 1 });
    expect(context.context).toContain('Customer asked about refunds');
    // Nothing was registered for it.
    expect((await a.listAgents()).agents.map((agent) => agent.name)).not.toContain('support_agent');
  });

  it("a registered agent's id and name give the same sessions, stats and context", async () => {
    const agent = await a.registerAgent({ name: 'billing-bot' });
    const underId = await a.createSession({ agent_id: agent.id });
    const underName = await a.createSession({ agent_id: 'billing-bot' });
    expect(underName.agent_id).toBe('billing-bot');
    await a.closeSession(underId.id);
    await a.addMemory({ agent_id: agent.id, session_id: underId.id, content: 'Invoice 7 was resent' });
    await a.addMemory({ agent_id: 'billing-bot', session_id: underName.id, content: 'Card on file expired', memory_type: 'decision' });

    expect(await sessionIds(a, agent.id)).toEqual([underId.id, underName.id].sort());
    expect(await sessionIds(a, 'billing-bot')).toEqual(await sessionIds(a, agent.id));
    const active = (await a.listSessions('billing-bot')).sessions.filter((s) => s.status === 'active').length;
    for (const key of [agent.id, 'billing-bot']) {
      expect(await a.getAgentStats(key)).toMatchObject({
        agent_id: key,
        session_count: 2,
        active_sessions: active,
        memory_count: 2,
        memory_types: { episodic: 1, decision: 1 },
      });
      const context = await a.getAgentContext(key, { since: '1h' });
      expect(context.memory_count).toBe(2);
      expect(context.context).toContain('Invoice 7 was resent');
      expect(context.context).toContain('Card on file expired');
      expect((await a.getAgentMemories(key, { since: '1h' })).count).toBe(2);
    }
    expect(active).toBe(1);
    // The field filter stays an exact match, as upstream.
    expect((await a.listMemories({ agent_id: 'billing-bot', since: '1h' })).count).toBe(1);
  });

  it('a registered name that is not an id format works; any other such agent_id is 400 and creates nothing', async () => {
    const agent = await a.registerAgent({ name: 'Night Shift' });
    const session = await a.createSession({ agent_id: 'Night Shift' });
    expect(session.agent_id).toBe('Night Shift');
    expect(await sessionIds(a, agent.id)).toEqual([session.id]);

    const before = (await a.listSessions()).count;
    for (const bad of ['no such agent', 'a/b', '1starts-with-digit', 'x'.repeat(129)]) {
      const error = await a.createSession({ agent_id: bad }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MemtraceError);
      expect(error).toMatchObject({ statusCode: 400, message: expect.stringMatching(/invalid agent_id/) });
    }
    expect((await a.listSessions()).count).toBe(before);
  });

  it("deleting an agent deletes the sessions under its id and its name, and no one else's", async () => {
    const agent = await a.registerAgent({ name: 'temp-bot' });
    const doomed = [await a.createSession({ agent_id: agent.id }), await a.createSession({ agent_id: 'temp-bot' })];
    const bystander = await a.createSession({ agent_id: 'temp_bot_2' });
    await a.deleteAgent(agent.id);
    for (const session of doomed) await expect(a.getSession(session.id)).rejects.toThrow(/session not found/);
    expect((await a.getSession(bystander.id)).agent_id).toBe('temp_bot_2');
    // The name is free again, and now only a free-form id with no sessions.
    expect(await sessionIds(a, 'temp-bot')).toEqual([]);
  });

  it("another org's agent name or id never resolves: each org has its own agent of that name", async () => {
    const agentA = await a.registerAgent({ name: 'shared-name' });
    const sessionA = await a.createSession({ agent_id: 'shared-name' });
    await a.addMemory({ agent_id: 'shared-name', content: 'org A secret' });

    // In org B both are unregistered free-form ids: B sees only its own sessions and memories.
    const byNameB = await b.createSession({ agent_id: 'shared-name' });
    const byIdB = await b.createSession({ agent_id: agentA.id });
    expect(await sessionIds(b, 'shared-name')).toEqual([byNameB.id]);
    expect(await sessionIds(b, agentA.id)).toEqual([byIdB.id]);
    expect(await b.getAgentStats(agentA.id)).toMatchObject({ session_count: 1, memory_count: 0 });
    expect((await b.getAgentContext('shared-name', { since: '1h' })).context).not.toContain('org A secret');
    await expect(b.getSession(sessionA.id)).rejects.toThrow(/session not found/);

    // Org A is untouched by B's sessions, under either name.
    expect(await sessionIds(a, agentA.id)).toEqual([sessionA.id]);
    expect(await sessionIds(a, 'shared-name')).toEqual([sessionA.id]);
    expect(await a.getAgentStats('shared-name')).toMatchObject({ session_count: 1, active_sessions: 1, memory_count: 1 });

    // B registering the same name creates B's agent; A's is still A's alone.
    const agentB = await b.registerAgent({ name: 'shared-name' });
    expect(agentB.id).not.toBe(agentA.id);
    expect(await sessionIds(b, agentB.id)).toEqual([byNameB.id]);
    expect(await sessionIds(a, agentA.id)).toEqual([sessionA.id]);
  });
});
