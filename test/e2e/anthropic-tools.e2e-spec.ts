import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, Message, MessageCreateParamsNonStreaming, MessageParam, Tool, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { ConflictError, Memtrace, MEMORY_TOOL_NAMES, type MemoryToolBinding } from '@memtrace/sdk';
import { anthropicTools, handleToolUse, isMemoryToolUse } from '@memtrace/sdk/anthropic';
import { CLIENT_STACK, createStack, FakeAnthropicProcess, FakeAnthropicRequest, REPO_ROOT, spawnFakeAnthropic, TenantStack } from '@memtrace/testing';

jest.setTimeout(120_000);

const MODEL = 'claude-sonnet-5-5';
const weather: Tool = { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };

/*
 * @memtrace/sdk/anthropic with the real @anthropic-ai/sdk client, against the real stack (gateway,
 * worker, query, admin; Arc double) and a fake Messages API whose "model" follows a script. What the
 * model received is read back from the fake; what was stored, from Memtrace.
 */
describe('Claude memory tools (@memtrace/sdk/anthropic) against the real stack and a fake Anthropic API', () => {
  let env: TenantStack;
  let fake: FakeAnthropicProcess;
  let memtrace: Memtrace;
  let anthropic: Anthropic;

  beforeAll(async () => {
    [env, fake] = await Promise.all([createStack(CLIENT_STACK), spawnFakeAnthropic()]);
    memtrace = new Memtrace(env.baseUrl, env.key);
    anthropic = new Anthropic({ apiKey: 'sk-ant-e2e', baseURL: fake.url, maxRetries: 0 });
  }, 120_000);
  afterAll(() => Promise.all([env?.close(), fake?.stop()]));
  beforeEach(() => fake.control.reset());

  /** The upstream examples' loop (upstream-internals §10), with the agent's context across sessions. */
  async function memoryLoop(agentName: string, question: string, options: LoopOptions = {}) {
    let agent;
    try {
      agent = await memtrace.registerAgent({ name: agentName });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      agent = await memtrace.getAgent(agentName);
    }
    const session = await memtrace.createSession({ agent_id: agent.id });
    try {
      const { context } = await memtrace.getAgentContext(agent.id, { since: '1h' });
      const answer = await toolLoop(memtrace, { agentId: agent.id, sessionId: session.id }, `You have long-term memory.\n\n${context}`, question, options);
      return { agent, session, answer };
    } finally {
      await memtrace.closeSession(session.id);
    }
  }

  interface LoopOptions {
    stream?: boolean;
    /** Tools of the application's own, beside the memory tools; the loop answers them with "sunny". */
    ownTools?: Tool[];
  }

  /** Up to 10 rounds: ask the model, run the memory tools it calls (and our own), send the results back. */
  async function toolLoop(client: Memtrace, binding: MemoryToolBinding, system: string, question: string, options: LoopOptions = {}): Promise<string> {
    const messages: MessageParam[] = [{ role: 'user', content: question }];
    const tools = [...anthropicTools(), ...(options.ownTools ?? [])];
    for (let round = 0; round < 10; round++) {
      const params: MessageCreateParamsNonStreaming = { model: MODEL, max_tokens: 1024, system, tools, messages };
      const reply: Message = options.stream ? await anthropic.messages.stream(params).finalMessage() : await anthropic.messages.create(params);
      if (reply.stop_reason !== 'tool_use') return reply.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      messages.push({ role: 'assistant', content: reply.content });
      const memoryResults = await handleToolUse(client, binding, reply.content);
      const ownResults: ToolResultBlockParam[] = reply.content.flatMap((block) =>
        block.type === 'tool_use' && !isMemoryToolUse(block) ? [{ type: 'tool_result' as const, tool_use_id: block.id, content: 'sunny' }] : [],
      );
      messages.push({ role: 'user', content: [...memoryResults, ...ownResults] });
    }
    throw new Error('no answer after 10 rounds');
  }

  /** The tool_result blocks of the last user message of a request: what the model got back. */
  function toolResultsIn(request: FakeAnthropicRequest): ToolResultBlockParam[] {
    const last = request.body!.messages.at(-1)!;
    const blocks: ContentBlockParam[] = typeof last.content === 'string' ? [] : last.content;
    return blocks.filter((block): block is ToolResultBlockParam => block.type === 'tool_result');
  }

  const json = (result: ToolResultBlockParam) => JSON.parse(result.content as string);

  it('runs remember, recall, search and decide for the model: it gets the memories as JSON, and Memtrace keeps them', async () => {
    const fact = `The v2.3 deploy failed: migration 42 timed out`;
    const decision = 'Run migrations before the deploy window';
    const reasoning = 'Migration 42 timed out during the v2.3 deploy';
    await fake.control.script(
      { text: 'Noting that.', toolUse: [{ name: 'memtrace_remember', input: { content: fact, event_type: 'observation', tags: ['deploy'], importance: 0.8 } }] },
      { toolUse: [{ name: 'memtrace_recall', input: { since: '1h' } }] },
      { toolUse: [{ name: 'memtrace_search', input: { content_contains: 'migration 42', tags: ['deploy'] } }] },
      { toolUse: [{ name: 'memtrace_decide', input: { decision, reasoning } }] },
      { text: 'From now on, migrations run before the deploy window.' },
    );

    const { agent, session, answer } = await memoryLoop('claude-ops', 'The v2.3 deploy failed on migration 42. What now?');

    expect(answer).toBe('From now on, migrations run before the deploy window.');
    const requests = await fake.control.requests();
    expect(requests.map((request) => request.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await fake.control.pending()).toEqual([]);

    const first = requests[0].body!;
    expect(first.system).toContain(`## Agent Context (${agent.id})`);
    expect(first.tools?.map((tool) => ('name' in tool ? tool.name : ''))).toEqual([...MEMORY_TOOL_NAMES]);
    expect(first.tools?.[0]).toMatchObject({ name: 'memtrace_remember', input_schema: { type: 'object', required: ['content'] } });

    const [remembered] = toolResultsIn(requests[1]);
    expect(remembered).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_fake_000001' });
    expect(remembered.is_error).toBeUndefined();
    const memory = json(remembered);
    expect(memory).toMatchObject({
      id: expect.any(String),
      agent_id: agent.id,
      session_id: session.id,
      memory_type: 'episodic',
      event_type: 'observation',
      content: fact,
      tags: ['deploy'],
      importance: 0.8,
    });

    const [recalled] = toolResultsIn(requests[2]);
    expect(recalled.is_error).toBeUndefined();
    expect(json(recalled).memories).toEqual([expect.objectContaining({ id: memory.id, content: fact, session_id: session.id })]);

    const [searched] = toolResultsIn(requests[3]);
    expect(json(searched).results.map((m: { id: string }) => m.id)).toEqual([memory.id]);

    const [decided] = toolResultsIn(requests[4]);
    expect(json(decided)).toMatchObject({ agent_id: agent.id, memory_type: 'decision', event_type: 'decision', content: decision, metadata: { reasoning } });

    // Read back as any client would.
    expect((await memtrace.getSessionMemories(session.id)).memories).toEqual([expect.objectContaining({ id: memory.id, agent_id: agent.id, content: fact })]);
    const decisions = await memtrace.listMemories({ agent_id: agent.id, memory_type: 'decision' });
    expect(decisions.memories).toEqual([expect.objectContaining({ content: decision, metadata: { reasoning } })]);
    expect((await memtrace.getSession(session.id)).status).toBe('closed');
  });

  it('streams with messages.stream(), and a second conversation fetches the agent by name and starts from what the first stored', async () => {
    await fake.control.script({ toolUse: [{ name: 'memtrace_remember', input: { content: 'Alice prefers morning standups' } }] }, { text: 'Noted.' });
    const firstRun = await memoryLoop('claude-streaming', 'Alice likes mornings.', { stream: true });

    await fake.control.reset();
    await fake.control.script({ toolUse: [{ name: 'memtrace_remember', input: { content: 'Bob prefers async updates', memory_type: 'entity' } }] }, { text: 'Noted too.' });
    const secondRun = await memoryLoop('claude-streaming', 'And Bob?', { stream: true });

    expect([firstRun.answer, secondRun.answer]).toEqual(['Noted.', 'Noted too.']);
    expect(secondRun.agent.id).toBe(firstRun.agent.id);
    const requests = await fake.control.requests();
    expect(requests[0].body!.stream).toBe(true);
    expect(requests[0].body!.system).toContain('Alice prefers morning standups');
    // The input arrived in input_json_delta fragments and was put back together before the tool ran.
    expect(json(toolResultsIn(requests[1])[0])).toMatchObject({ content: 'Bob prefers async updates', memory_type: 'entity', session_id: secondRun.session.id });

    const memories = await memtrace.getAgentMemories(firstRun.agent.id, { since: '1h', order: 'asc' });
    expect(memories.memories.map((m) => [m.content, m.session_id])).toEqual([
      ['Alice prefers morning standups', firstRun.session.id],
      ['Bob prefers async updates', secondRun.session.id],
    ]);
  });

  it('returns bad arguments and Memtrace errors to the model as is_error results, never as a crash, and leaves other tools alone', async () => {
    const agent = await memtrace.registerAgent({ name: 'claude-careless' });
    const session = await memtrace.createSession({ agent_id: agent.id });
    await memtrace.remember(agent.id, 'a memory the read-only key can recall', { session_id: session.id });
    const readOnly = new Memtrace(env.baseUrl, env.readOnlyKey);
    await fake.control.script(
      {
        toolUse: [
          { name: 'memtrace_remember', input: { memory_type: 'episodic' } },
          { name: 'memtrace_recall', input: { memory_type: 'gossip' } },
          { name: 'memtrace_remember', input: { content: 'written with a read-only key' } },
          { name: 'get_weather', input: { city: 'Oslo' } },
          { name: 'memtrace_recall', input: { since: '1h' } },
        ],
      },
      { text: 'Some of that did not work.' },
    );

    const answer = await toolLoop(readOnly, { agentId: agent.id, sessionId: session.id }, 'system', 'Do things.', { ownTools: [weather] });

    expect(answer).toBe('Some of that did not work.');
    const requests = await fake.control.requests();
    // The API rejects a turn that leaves a tool_use unanswered: a 200 means every call got its result.
    expect(requests.map((request) => request.status)).toEqual([200, 200]);
    const [missingContent, unknownType, forbidden, recalled, own] = toolResultsIn(requests[1]);
    expect(missingContent).toMatchObject({ tool_use_id: 'toolu_fake_000001', is_error: true });
    expect(json(missingContent).error).toMatch(/'content' is required/);
    expect(unknownType).toMatchObject({ tool_use_id: 'toolu_fake_000002', is_error: true });
    expect(json(unknownType).error).toMatch(/memory type must be one of episodic, decision, entity, session, got "gossip"/);
    expect(forbidden).toMatchObject({ tool_use_id: 'toolu_fake_000003', is_error: true });
    expect(json(forbidden)).toMatchObject({ status: 403, error: expect.any(String) });
    expect(recalled).toMatchObject({ tool_use_id: 'toolu_fake_000005' });
    expect(recalled.is_error).toBeUndefined();
    expect(json(recalled).memories.map((m: { content: string }) => m.content)).toEqual(['a memory the read-only key can recall']);
    expect(own).toEqual({ type: 'tool_result', tool_use_id: 'toolu_fake_000004', content: 'sunny' });

    expect((await memtrace.getSessionMemories(session.id)).memories.map((m) => m.content)).toEqual(['a memory the read-only key can recall']);

    // With only memory tools, a made-up tool gets an error result rather than none.
    const madeUp = await handleToolUse(memtrace, { agentId: agent.id }, [{ type: 'tool_use', id: 'toolu_x', name: 'get_weather', input: {}, caller: { type: 'direct' } }], {
      unknownTools: 'error',
    });
    expect(madeUp).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_x', content: expect.stringContaining("unknown tool 'get_weather'"), is_error: true }]);
  });

  describe('examples/anthropic-memory-loop.mjs, run as a user would', () => {
    const EXAMPLE = join(REPO_ROOT, 'examples', 'anthropic-memory-loop.mjs');

    function runExample(question: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const { ANTHROPIC_MODEL: _default, ANTHROPIC_AUTH_TOKEN: _token, ...inherited } = process.env;
      const child = spawn(process.execPath, [EXAMPLE, question], {
        cwd: REPO_ROOT,
        env: { ...inherited, MEMTRACE_URL: env.baseUrl, MEMTRACE_API_KEY: env.key, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-example' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.once('error', reject);
        child.once('exit', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
      });
    }

    it('stores what Claude asks it to remember, and its next run starts from it', async () => {
      await fake.control.script({ toolUse: [{ name: 'memtrace_remember', input: { content: 'Deploys are frozen on Fridays', tags: ['policy'] } }] }, { text: 'Noted: no Friday deploys.' });

      const first = await runExample('Remember: no deploys on Fridays.');

      expect(first).toMatchObject({ code: 0, stdout: 'Noted: no Friday deploys.\n' });
      const agent = await memtrace.getAgent('claude-assistant');
      const stored = await memtrace.searchMemories({ agent_id: agent.id, content_contains: 'frozen on Fridays' });
      expect(stored.results).toEqual([expect.objectContaining({ content: 'Deploys are frozen on Fridays', tags: ['policy'], session_id: expect.any(String) })]);
      const [session] = (await memtrace.listSessions(agent.id)).sessions;
      expect(session).toMatchObject({ id: stored.results[0].session_id, status: 'closed' });
      const requests = await fake.control.requests();
      expect(requests[0].body).toMatchObject({ model: MODEL, messages: [{ role: 'user', content: 'Remember: no deploys on Fridays.' }] });
      expect(toolResultsIn(requests[1])[0].is_error).toBeUndefined();

      // Unscripted, the fake echoes the question; the agent name is taken now, so the example fetches it.
      await fake.control.reset();
      const second = await runExample('Can we deploy on Friday?');

      expect(second).toMatchObject({ code: 0, stdout: 'ok: Can we deploy on Friday?\n' });
      expect((await fake.control.requests())[0].body!.system).toContain('Deploys are frozen on Fridays');
      expect((await memtrace.listSessions(agent.id)).sessions.map((s) => s.status)).toEqual(['closed', 'closed']);
    });

    it('exits non-zero on an Anthropic API error, and still closes its session', async () => {
      await fake.control.failNext({ status: 400, message: 'prompt is too long' });

      const run = await runExample('Anything?');

      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('prompt is too long');
      const agent = await memtrace.getAgent('claude-assistant');
      expect((await memtrace.listSessions(agent.id)).sessions.map((s) => s.status)).toEqual(['closed', 'closed', 'closed']);
    });
  });
});
