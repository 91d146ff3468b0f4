import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, run, setDefaultOpenAIClient, setTracingDisabled } from '@openai/agents';
import OpenAI from 'openai';
import { Memory, Memtrace } from '@memtrace/sdk';
import { CONTEXT_PREFIX, createMemtraceTools, MemtraceSession } from '@memtrace/sdk/agents';
import { CLIENT_STACK, createStack, FakeOpenAIHandle, FakeOpenAIRequest, REPO_ROOT, spawnFakeOpenAI, startFakeOpenAI, TenantStack } from '@memtrace/testing';

jest.setTimeout(120_000);

/*
 * `@memtrace/sdk/agents` as an Agents SDK user meets it: the real `run()` of `@openai/agents`, its
 * model being the fake OpenAI server (Responses API), its tools and session backed by the real
 * stack (gateway, worker, query, admin; Arc double).
 */

type Item = Record<string, any>;

/** The input items one model request carried. */
function inputOf(request: FakeOpenAIRequest): Item[] {
  const input = (request.body as { input?: unknown }).input;
  return Array.isArray(input) ? input : [{ role: 'user', content: input }];
}

/** A message item's text, whether its content is a string or a list of text parts. */
function textOf(item: Item): string {
  return typeof item.content === 'string' ? item.content : (item.content ?? []).map((part: Item) => part.text ?? '').join('');
}

const messages = (items: Item[]) => items.filter((item) => item.role).map((item) => ({ role: item.role, text: textOf(item) }));
const contents = (memories: Memory[], event: string) => memories.filter((memory) => memory.event_type === event).map((memory) => memory.content);

/** A logger that keeps what it was told, so a test can see warnings are not swallowed. */
function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => void warnings.push(message) };
}

describe('@memtrace/sdk/agents with the OpenAI Agents SDK against the real stack', () => {
  let env: TenantStack;
  let fake: FakeOpenAIHandle;
  let memtrace: Memtrace;

  beforeAll(async () => {
    [env, fake] = await Promise.all([createStack(CLIENT_STACK), startFakeOpenAI()]);
    memtrace = new Memtrace(env.baseUrl, env.key, { retryBaseDelay: 50 });
    // Tracing would export spans to api.openai.com; the default client is the fake.
    setTracingDisabled(true);
    setDefaultOpenAIClient(new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-fake', maxRetries: 0 }));
  }, 120_000);
  afterAll(async () => {
    await fake?.stop();
    await env?.close();
  });
  beforeEach(() => fake.control.reset());

  async function assistantFor(agentId: string, session: MemtraceSession, client = memtrace): Promise<Agent> {
    const tools = createMemtraceTools(client, { agentId, sessionId: session.sessionId });
    return new Agent({ name: 'Support', instructions: 'Help the customer; remember what matters.', model: 'gpt-fake', tools });
  }

  /** The agent's first session: one turn with a remember call, then a plain turn said twice. */
  async function firstSession(name: string) {
    const agent = await memtrace.registerAgent({ name });
    const logger = recordingLogger();
    const session = await MemtraceSession.create(memtrace, { agentId: agent.id, persistAssistantMessages: true, logger });
    const assistant = await assistantFor(agent.id, session);
    await fake.control.script(
      { toolCalls: [{ name: 'memtrace_remember', arguments: { content: 'The customer prefers email over phone', tags: ['preference'] } }] },
      { text: 'Noted: email it is.' },
    );
    const result = await run(assistant, 'Please contact me by email, not by phone.', { session });
    return { agent, session, assistant, logger, result };
  }

  it('a run calls memtrace_remember, the model reads its output, and the session stores the conversation', async () => {
    const { agent, session, logger, result } = await firstSession('agents-support');
    expect(result.finalOutput).toBe('Noted: email it is.');

    const [first, second] = await fake.control.requests();
    expect(first.endpoint).toBe('responses');
    // The tools as the model sees them: upstream's order, non-strict JSON schemas.
    expect(((first.body as Item).tools as Item[]).map((tool) => [tool.name, tool.strict])).toEqual([
      ['memtrace_remember', false],
      ['memtrace_recall', false],
      ['memtrace_search', false],
      ['memtrace_decide', false],
    ]);
    // A new agent has no memories, so nothing is injected: the user's message comes first.
    expect(messages(inputOf(first))).toEqual([{ role: 'user', text: 'Please contact me by email, not by phone.' }]);

    // The second request carries the tool's output back under the scripted call id.
    const output = inputOf(second).find((item) => item.type === 'function_call_output');
    expect(output?.call_id).toBe('call_fake_1_0');
    const remembered = JSON.parse(output?.output);
    expect(remembered).toMatchObject({
      agent_id: agent.id,
      session_id: session.sessionId,
      memory_type: 'episodic',
      content: 'The customer prefers email over phone',
      tags: ['preference'],
    });

    const stored = (await memtrace.getSessionMemories(session.sessionId, { order: 'asc' })).memories;
    expect(stored.map((memory) => [memory.memory_type, memory.event_type, memory.content])).toEqual(
      expect.arrayContaining([
        ['episodic', 'general', 'The customer prefers email over phone'],
        ['session', 'user_message', 'Please contact me by email, not by phone.'],
        ['session', 'assistant_message', 'Noted: email it is.'],
      ]),
    );
    expect(stored).toHaveLength(3);
    expect(stored.find((memory) => memory.id === remembered.id)).toBeDefined();
    expect(session.stats).toEqual({ persisted: 2, failed: 0 });
    expect(logger.warnings).toEqual([]);

    // The in-process history has the whole turn, tool call and result included.
    expect((await session.getItems()).map((item) => item.type ?? 'message')).toEqual(['message', 'function_call', 'function_call_result', 'message']);
    expect(await session.getItems(1)).toEqual([expect.objectContaining({ role: 'assistant' })]);
  });

  it('later turns get the history, and a repeated "yes" is stored each time', async () => {
    const { session, assistant } = await firstSession('agents-repeat');
    await fake.control.reset();
    await run(assistant, 'yes', { session }); // unscripted, the fake answers "ok: yes"
    await run(assistant, 'yes', { session });

    const requests = await fake.control.requests();
    expect(messages(inputOf(requests[1]))).toEqual([
      { role: 'user', text: 'Please contact me by email, not by phone.' },
      { role: 'assistant', text: 'Noted: email it is.' },
      { role: 'user', text: 'yes' },
      { role: 'assistant', text: 'ok: yes' },
      { role: 'user', text: 'yes' },
    ]);
    const stored = (await memtrace.getSessionMemories(session.sessionId, { order: 'asc' })).memories;
    expect(contents(stored, 'user_message')).toEqual(['Please contact me by email, not by phone.', 'yes', 'yes']);
    expect(contents(stored, 'assistant_message')).toEqual(['Noted: email it is.', 'ok: yes', 'ok: yes']);
    expect(session.stats).toEqual({ persisted: 6, failed: 0 });
  });

  it("a new session for the agent starts with the agent's memories from its earlier sessions", async () => {
    const { agent, session: earlier } = await firstSession('agents-continuity');
    await earlier.close();
    await fake.control.reset();

    const later = await MemtraceSession.create(memtrace, { agentId: agent.id });
    // Upstream fetched the new session's own context, which is always empty: the bug fixed here.
    expect((await memtrace.getSessionContext(later.sessionId)).memory_count).toBe(0);
    const [injected] = await later.getItems();
    expect(injected).toMatchObject({ role: 'user' });
    expect(textOf(injected)).toMatch(new RegExp(`^\\[System: Prior memory context for this agent\\]\\n\\n## Agent Context \\(${agent.id}\\)`));

    await fake.control.script({ text: 'By email, as you asked.' });
    const result = await run(await assistantFor(agent.id, later), 'How should you contact me?', { session: later });
    expect(result.finalOutput).toBe('By email, as you asked.');
    const [request] = await fake.control.requests();
    const [context, question] = messages(inputOf(request));
    expect(context.role).toBe('user');
    expect(context.text.startsWith(CONTEXT_PREFIX)).toBe(true);
    // The remembered fact and the earlier session's messages, each with the session they came from.
    expect(context.text).toContain(`(${earlier.sessionId}) general: The customer prefers email over phone`);
    expect(context.text).toContain(`(${earlier.sessionId}) user_message: Please contact me by email, not by phone.`);
    expect(context.text).toContain(`(${earlier.sessionId}) assistant_message: Noted: email it is.`);
    expect(question).toEqual({ role: 'user', text: 'How should you contact me?' });

    // The context item is the model's input, not a message: it is not stored.
    const stored = (await memtrace.getSessionMemories(later.sessionId)).memories;
    expect(stored.map((memory) => memory.content)).toEqual(['How should you contact me?']);

    // As a system message when asked; not at all when turned off.
    const asSystem = await MemtraceSession.create(memtrace, { agentId: agent.id, contextRole: 'system', contextMaxTokens: 200 });
    await run(await assistantFor(agent.id, asSystem), 'Hello?', { session: asSystem });
    const systemContext = inputOf((await fake.control.requests())[1])[0];
    expect(systemContext.role).toBe('system');
    expect(textOf(systemContext)).toContain(CONTEXT_PREFIX);
    const without = await MemtraceSession.create(memtrace, { agentId: agent.id, injectContext: false });
    expect(await without.getItems()).toEqual([]);
  });

  it("the seed's quick start: MemtraceSession.create with an agent id nobody registered, then a later session remembers", async () => {
    // `session = await MemtraceSession.create(client, agent_id="support_agent")`: no agent is registered.
    const agentId = `support_agent_${Date.now().toString(36)}`;
    const first = await MemtraceSession.create(memtrace, { agentId });
    expect(first.agentId).toBe(agentId);
    expect(await first.getItems()).toEqual([]);
    await fake.control.script(
      { toolCalls: [{ name: 'memtrace_remember', arguments: { content: 'Account 42 is locked after 3 failed logins' } }] },
      { text: 'I have noted the lock.' },
    );
    const result = await run(await assistantFor(agentId, first), 'I need help with my account', { session: first });
    expect(result.finalOutput).toBe('I have noted the lock.');
    expect(first.stats).toEqual({ persisted: 1, failed: 0 });
    expect((await memtrace.getAgentStats(agentId)).active_sessions).toBe(1);
    await first.close();

    await fake.control.reset();
    const later = await MemtraceSession.create(memtrace, { agentId });
    const [injected] = await later.getItems();
    expect(textOf(injected)).toContain(`## Agent Context (${agentId})`);
    expect(textOf(injected)).toContain(`(${first.sessionId}) general: Account 42 is locked after 3 failed logins`);
    expect(textOf(injected)).toContain(`(${first.sessionId}) user_message: I need help with my account`);

    const listed = (await memtrace.listSessions(agentId)).sessions;
    expect(listed.map((session) => [session.id, session.agent_id, session.status])).toEqual([
      [later.sessionId, agentId, 'active'],
      [first.sessionId, agentId, 'closed'],
    ]);
    expect(await memtrace.getAgentStats(agentId)).toMatchObject({ session_count: 2, active_sessions: 1, memory_count: 2 });
    await later.close();
  });

  it('resume() reloads the stored conversation, and clearSession() keeps cleared messages from coming back', async () => {
    const { agent, session } = await firstSession('agents-resume');
    await fake.control.reset();

    const resumed = await MemtraceSession.resume(memtrace, session.sessionId, { persistAssistantMessages: true });
    expect(resumed.agentId).toBe(agent.id);
    expect(messages(await resumed.getItems())).toEqual([
      { role: 'user', text: 'Please contact me by email, not by phone.' },
      { role: 'assistant', text: 'Noted: email it is.' },
    ]);
    // A run on the resumed session sends the restored history to the model.
    await run(await assistantFor(agent.id, resumed), 'Thanks!', { session: resumed });
    expect(messages(inputOf((await fake.control.requests())[0]))).toEqual([
      { role: 'user', text: 'Please contact me by email, not by phone.' },
      { role: 'assistant', text: 'Noted: email it is.' },
      { role: 'user', text: 'Thanks!' },
    ]);

    await resumed.clearSession();
    expect(await resumed.getItems()).toEqual([]);
    await run(await assistantFor(agent.id, resumed), 'Fresh start.', { session: resumed });
    const again = await MemtraceSession.resume(memtrace, session.sessionId, { persistAssistantMessages: true });
    expect(messages(await again.getItems())).toEqual([
      { role: 'user', text: 'Fresh start.' },
      { role: 'assistant', text: 'ok: Fresh start.' },
    ]);
    // The cleared messages are still the agent's memories.
    expect((await memtrace.getSessionMemories(session.sessionId)).count).toBe(7);

    await expect(MemtraceSession.resume(memtrace, 'sess_unknown')).rejects.toMatchObject({ name: 'NotFoundError', statusCode: 404 });
  });

  it('an unreachable Memtrace during addItems does not break the run: failed writes are logged and counted', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    let reachable = true;
    // The real gateway until the switch flips, then a port nobody listens on (ECONNREFUSED).
    const flaky = new Memtrace(env.baseUrl, env.key, {
      maxRetries: 0,
      fetch: (input, init) => fetch(reachable ? input : String(input).replace(env.baseUrl, `http://127.0.0.1:${closedPort}`), init),
    });
    const agent = await memtrace.registerAgent({ name: 'agents-offline' });
    const logger = recordingLogger();
    const session = await MemtraceSession.create(flaky, { agentId: agent.id, persistAssistantMessages: true, logger });
    reachable = false;

    await fake.control.script({ toolCalls: [{ name: 'memtrace_recall', arguments: { since: '1h' } }] }, { text: 'Memory is down, but I can still help.' });
    const result = await run(await assistantFor(agent.id, session, flaky), 'Hello?', { session });
    expect(result.finalOutput).toBe('Memory is down, but I can still help.');
    // The tool's failure reached the model as its output.
    const output = inputOf((await fake.control.requests())[1]).find((item) => item.type === 'function_call_output');
    expect(JSON.parse(output?.output).error).toBe('Request failed: fetch failed');

    expect(session.stats).toMatchObject({ persisted: 0, failed: 2 });
    expect(session.stats.lastError?.message).toBe('Request failed: fetch failed');
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]).toMatch(new RegExp(`^memtrace: could not store a user message in session ${session.sessionId}: `));
    expect(messages(await session.getItems())).toEqual([
      { role: 'user', text: 'Hello?' },
      { role: 'assistant', text: 'Memory is down, but I can still help.' },
    ]);

    // Back online, the next turn is stored again.
    reachable = true;
    await run(await assistantFor(agent.id, session, flaky), 'Still there?', { session });
    expect(session.stats).toMatchObject({ persisted: 2, failed: 2 });
    expect(contents((await memtrace.getSessionMemories(session.sessionId)).memories, 'user_message')).toEqual(['Still there?']);
  });

  it('examples/agents-sdk.mjs runs against the stack and a spawned fake OpenAI, and its memories carry over', async () => {
    const spawned = await spawnFakeOpenAI();
    try {
      await spawned.control.script(
        { toolCalls: [{ name: 'memtrace_remember', arguments: { content: 'Ada drinks tea, never coffee', memory_type: 'entity' } }] },
        { text: 'Nice to meet you, Ada. Noted: tea.' },
        { text: 'A pot of tea.' },
        { text: 'Yes: tea, never coffee.' },
      );
      const { stdout } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'examples', 'agents-sdk.mjs')], {
        cwd: REPO_ROOT,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          MEMTRACE_URL: env.baseUrl,
          MEMTRACE_API_KEY: env.key,
          OPENAI_BASE_URL: spawned.baseURL,
          OPENAI_API_KEY: 'sk-fake',
          OPENAI_MODEL: 'gpt-fake',
          OPENAI_AGENTS_DISABLE_TRACING: '1',
        },
      }); // rejects on a non-zero exit
      expect(stdout).toMatch(/Nice to meet you, Ada\. Noted: tea\.[\s\S]*A pot of tea\.[\s\S]*Yes: tea, never coffee\./);

      // The third turn, in a new session, started with what the first session stored.
      const requests = await spawned.control.requests();
      expect(requests).toHaveLength(4);
      const context = messages(inputOf(requests[3]))[0];
      expect(context.text.startsWith(CONTEXT_PREFIX)).toBe(true);
      expect(context.text).toContain('Ada drinks tea, never coffee');

      const agent = await memtrace.getAgent('agents-sdk-assistant');
      const sessions = (await memtrace.listSessions(agent.id)).sessions;
      expect(sessions.map((session) => session.status)).toEqual(['closed', 'closed']);
      const memories = (await memtrace.getAgentMemories(agent.id, { order: 'asc' })).memories;
      expect(contents(memories, 'general')).toEqual(['Ada drinks tea, never coffee']);
      expect(contents(memories, 'user_message')).toHaveLength(3);
      expect(contents(memories, 'assistant_message')).toEqual(['Nice to meet you, Ada. Noted: tea.', 'A pot of tea.', 'Yes: tea, never coffee.']);
    } finally {
      await spawned.stop();
    }
  });
});
