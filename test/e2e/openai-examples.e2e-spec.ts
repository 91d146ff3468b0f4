import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Memtrace } from '@memtrace/sdk';
import { CLIENT_STACK, createStack, FakeOpenAIProcess, REPO_ROOT, spawnFakeOpenAI, TenantStack } from '@memtrace/testing';

jest.setTimeout(120_000);

/*
 * The OpenAI examples run as a user runs them (`node examples/…`, importing `@memtrace/sdk`,
 * `@memtrace/sdk/openai` and `openai`), against the real stack and a spawned fake OpenAI API that
 * plays the model. Each must exit 0 and leave its memories in Memtrace.
 */
describe('examples/openai-*.mjs and examples/with-memory.mjs', () => {
  let env: TenantStack;
  let fake: FakeOpenAIProcess;
  let memtrace: Memtrace;

  beforeAll(async () => {
    [env, fake] = await Promise.all([createStack(CLIENT_STACK), spawnFakeOpenAI()]);
    memtrace = new Memtrace(env.baseUrl, env.key);
  }, 120_000);
  afterAll(async () => {
    await fake?.stop();
    await env?.close();
  });
  beforeEach(() => fake.control.reset());

  function runExample(file: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'examples', file), ...args], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          MEMTRACE_URL: env.baseUrl,
          MEMTRACE_API_KEY: env.key,
          OPENAI_BASE_URL: fake.baseURL,
          OPENAI_API_KEY: 'sk-fake',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** The system prompt of each chat request the fake received. */
  async function systemPrompts(): Promise<string[]> {
    return (await fake.control.requests()).map((request) => {
      if (request.endpoint !== 'chat.completions') throw new Error('expected chat requests');
      const first = request.body.messages[0];
      return first.role === 'system' ? String(first.content) : '';
    });
  }

  async function toolMessages(): Promise<string[]> {
    const last = (await fake.control.requests()).at(-1);
    if (last?.endpoint !== 'chat.completions') throw new Error('expected a chat request');
    return last.body.messages.flatMap((message) => (message.role === 'tool' ? [String(message.content)] : []));
  }

  it('openai-single-agent.mjs: register, session, context, tool loop, close; a second run remembers', async () => {
    await fake.control.script(
      { toolCalls: [{ name: 'memtrace_remember', arguments: { content: 'deploys are frozen on Fridays', event_type: 'observation' } }] },
      { toolCalls: [{ name: 'memtrace_recall', arguments: { since: '1h' } }] },
      { text: 'Deploys are frozen on Fridays.' },
    );
    const first = await runExample('openai-single-agent.mjs');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('tool: memtrace_remember');
    expect(first.stdout).toContain('answer: Deploys are frozen on Fridays.');
    expect((await toolMessages()).at(-1)).toContain('deploys are frozen on Fridays');

    const agent = await memtrace.getAgent('openai-assistant');
    const [memory] = (await memtrace.listMemories({ agent_id: agent.id, since: '1h' })).memories;
    expect(memory).toMatchObject({ content: 'deploys are frozen on Fridays', event_type: 'observation' });
    expect(await memtrace.getSession(memory.session_id!)).toMatchObject({ status: 'closed', metadata: { source: 'openai-single-agent' } });

    // The second run finds the agent by name and starts with the first run's memory in its prompt.
    await fake.control.reset();
    const second = await runExample('openai-single-agent.mjs', ['What do you know about deploys?']);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toContain(`agent openai-assistant (${agent.id})`);
    expect(second.stdout).toContain('answer: ok: What do you know about deploys?');
    expect((await systemPrompts())[0]).toContain('deploys are frozen on Fridays');
  });

  it("openai-two-agents.mjs: the researcher's findings are stored, and the writer reads them through the agent_id override", async () => {
    // Registered up front so the scripted model can name the researcher; the example then takes the 409 path.
    const researcher = await memtrace.registerAgent({ name: 'researcher' });
    const writer = await memtrace.registerAgent({ name: 'writer' });
    const findings = ['the Mariana Trench is about 11 km deep', 'sunlight fades out by about 1 km down'];
    await fake.control.script(
      { toolCalls: findings.map((content) => ({ name: 'memtrace_remember', arguments: { content } })) },
      { text: 'Stored two findings.' },
      { toolCalls: [{ name: 'memtrace_recall', arguments: { agent_id: researcher.id, since: '1h' } }] },
      { toolCalls: [{ name: 'memtrace_decide', arguments: { decision: 'lead with the Mariana Trench', reasoning: 'it is the most striking fact' } }] },
      { text: 'The ocean is deep and dark.' },
    );
    const run = await runExample('openai-two-agents.mjs');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('researcher: Stored two findings.');
    expect(run.stdout).toContain('writer: The ocean is deep and dark.');

    const stored = (await memtrace.listMemories({ agent_id: researcher.id, since: '1h', order: 'asc' })).memories;
    expect(stored.map((m) => m.content)).toEqual(findings);
    const sessionId = stored[0].session_id!;
    expect(await memtrace.getSession(sessionId)).toMatchObject({ agent_id: researcher.id, status: 'closed' });
    // The writer's recall (its binding: writer, shared session; agent_id: the researcher) returned both findings.
    const [recalled] = (await toolMessages()).filter((content) => content.includes('"memories"'));
    expect(JSON.parse(recalled).memories.map((m: { content: string }) => m.content).sort()).toEqual([...findings].sort());
    const decisions = (await memtrace.listMemories({ agent_id: writer.id, since: '1h' })).memories;
    expect(decisions).toEqual([expect.objectContaining({ memory_type: 'decision', content: 'lead with the Mariana Trench' })]);
  });

  it('with-memory.mjs: two users × two personas, each remembered apart', async () => {
    const run = await runExample('with-memory.mjs');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/memory stats: \{ recorded: 16, failed: 0, contextFailures: 0 \}/);

    const facts = [
      'I am learning Spanish and keep mixing up ser and estar.',
      'I am studying for a calculus exam on Friday.',
      'I am allergic to peanuts.',
      'I only cook vegetarian food.',
    ];
    const prompts = await systemPrompts();
    expect(prompts).toHaveLength(8);
    facts.forEach((fact, index) => {
      const later = prompts[4 + index];
      expect(later).toContain(`user_message: ${fact}`);
      for (const other of facts.filter((f) => f !== fact)) expect(later).not.toContain(other);
    });

    for (const [agent, user] of [['tutor', 'ada'], ['tutor', 'bob'], ['chef', 'ada'], ['chef', 'bob']]) {
      const { id } = await memtrace.getAgent(agent);
      const [session] = (await memtrace.listSessions(id)).sessions.filter((s) => s.metadata?.memtrace_user === user);
      expect((await memtrace.getSessionMemories(session.id, { since: '1h' })).count).toBe(4);
    }
  });
});
