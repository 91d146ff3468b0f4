import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { Memtrace, type Memory } from '@memtrace/sdk';
import { withMemory, type MemoryLogger, type WithMemory } from '@memtrace/sdk/openai';
import { CLIENT_STACK, createStack, FakeOpenAIHandle, FakeOpenAIRequest, startFakeOpenAI, TenantStack } from '@memtrace/testing';

jest.setTimeout(120_000);

/*
 * Automatic memory for an OpenAI client, as an application uses it: the real `openai` client,
 * wrapped, talks to the fake OpenAI API; memories go to and come from the real stack (gateway,
 * worker, query, admin; Arc double). The fake records every request body, so the tests assert
 * what the model received.
 */
describe('withMemory(openai, memtrace) against the real stack and the real openai client', () => {
  let env: TenantStack;
  let fake: FakeOpenAIHandle;
  let openai: OpenAI;
  let memtrace: Memtrace;
  const warnings: string[] = [];
  const logger: MemoryLogger = { warn: (message) => void warnings.push(message) };

  beforeAll(async () => {
    [env, fake] = await Promise.all([createStack(CLIENT_STACK), startFakeOpenAI()]);
    openai = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-fake', maxRetries: 0 });
    memtrace = new Memtrace(env.baseUrl, env.key, { retryBaseDelay: 50 });
  }, 120_000);
  afterAll(async () => {
    await fake?.stop();
    await env?.close();
  });
  beforeEach(async () => {
    warnings.length = 0;
    await fake.control.reset();
  });

  /** Every wrapped client of a test, flushed after it so no recording spills into the next test. */
  const clients: WithMemory<OpenAI>[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.memory.flush()));
  });
  const remembering = (agent: string, user: string) => {
    const client = withMemory(openai, memtrace, { agent, user, logger });
    clients.push(client);
    return client;
  };

  async function received(): Promise<FakeOpenAIRequest[]> {
    return fake.control.requests();
  }

  /** The instructions the model received in request `index`: chat system prompt or `instructions`. */
  async function instructionsOf(index: number): Promise<string> {
    const request = (await received())[index];
    if (request.endpoint === 'responses') return request.body.instructions ?? '';
    const first = request.body.messages[0];
    return first.role === 'system' || first.role === 'developer' ? String(first.content) : '';
  }

  async function sessionMemories(client: WithMemory<OpenAI>): Promise<Memory[]> {
    await client.memory.flush();
    const { sessionId } = await client.memory.scope();
    return (await memtrace.getSessionMemories(sessionId, { since: '1h', order: 'asc' })).memories;
  }

  it('chat: records the user message and the reply under the persona, the pair session and the user; the next call sees them', async () => {
    const ai = remembering('wm-chat-tutor', 'ada@example.com');
    const first = await ai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a patient tutor.' },
        { role: 'user', content: 'My cat is called Turing.' },
      ],
    });
    expect(first.choices[0].message.content).toBe('ok: My cat is called Turing.');
    // Nothing remembered yet: the request went out as given.
    expect(await instructionsOf(0)).toBe('You are a patient tutor.');

    const scope = await ai.memory.scope();
    expect((await memtrace.getAgent('wm-chat-tutor')).id).toBe(scope.agentId);
    expect(await memtrace.getSession(scope.sessionId)).toMatchObject({ agent_id: scope.agentId, status: 'active', metadata: { memtrace_user: 'ada@example.com' } });
    const stored = await sessionMemories(ai);
    expect(stored).toEqual([
      expect.objectContaining({
        agent_id: scope.agentId,
        session_id: scope.sessionId,
        memory_type: 'episodic',
        event_type: 'user_message',
        content: 'My cat is called Turing.',
        metadata: { memtrace_user: 'ada@example.com', role: 'user' },
        tags: ['user.ada_example.com'],
      }),
      expect.objectContaining({
        agent_id: scope.agentId,
        event_type: 'assistant_message',
        content: 'ok: My cat is called Turing.',
        metadata: { memtrace_user: 'ada@example.com', role: 'assistant' },
      }),
    ]);
    expect(new Set(stored.map((m) => m.dedup_key)).size).toBe(2);

    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are a patient tutor.' },
      { role: 'user', content: 'What is my cat called?' },
    ];
    const before = structuredClone(messages);
    await ai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(messages).toEqual(before);
    const system = await instructionsOf(1);
    expect(system.startsWith('You are a patient tutor.\n\n')).toBe(true);
    expect(system).toContain('user_message: My cat is called Turing.');
    expect(system).toContain('assistant_message: ok: My cat is called Turing.');
    await ai.memory.flush();
    expect(ai.memory.stats).toEqual({ recorded: 4, failed: 0, contextFailures: 0 });
  });

  it('chat: a repeated message is recorded each time; withResponse() keeps the raw response; a developer message takes the context', async () => {
    const ai = remembering('wm-chat-repeat', 'bob');
    for (let i = 0; i < 2; i++) await ai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'yes' }] });
    const contents = (await sessionMemories(ai)).map((m) => `${m.event_type}: ${m.content}`);
    expect(contents).toEqual(['user_message: yes', 'assistant_message: ok: yes', 'user_message: yes', 'assistant_message: ok: yes']);

    const { data, response, request_id } = await ai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] }, { role: 'user', content: 'again' }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe('ok: again');
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_fake_3');
    const request = (await received())[2];
    if (request.endpoint !== 'chat.completions') throw new Error('expected chat');
    const developer = request.body.messages[0];
    expect(developer.role).toBe('developer');
    expect(developer.content).toEqual([{ type: 'text', text: 'Be brief.' }, { type: 'text', text: expect.stringContaining('user_message: yes') }]);
    expect(await sessionMemories(ai)).toHaveLength(6);
  });

  it('chat streaming: the caller gets exactly the original chunks; the reply is recorded when the stream ends', async () => {
    const reply = 'Turing is a fine name for a cat, and it is worth remembering.';
    await fake.control.script({ text: reply });
    const raw = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Name my cat.' }] });
    const expected = await collect(raw);
    await fake.control.reset();

    const ai = remembering('wm-chat-stream', 'ada');
    await fake.control.script({ text: reply });
    const stream = await ai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Name my cat.' }] });
    expect(typeof stream.tee).toBe('function');
    expect(withoutTime(await collect(stream))).toEqual(withoutTime(expected));

    expect((await sessionMemories(ai)).map((m) => `${m.event_type}: ${m.content}`)).toEqual(['user_message: Name my cat.', `assistant_message: ${reply}`]);

    // No system message of its own: the context comes in a system message put first.
    const again = await ai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'And again?' }] });
    await collect(again);
    const request = (await received())[1];
    if (request.endpoint !== 'chat.completions') throw new Error('expected chat');
    expect(request.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(String(request.body.messages[0].content)).toContain(`assistant_message: ${reply}`);
  });

  it('chat tool loop: the user message is recorded once, with the final text reply', async () => {
    const ai = remembering('wm-chat-tools', 'ada');
    await fake.control.script({ toolCalls: [{ id: 'call_1', name: 'lookup', arguments: { q: 'x' } }] }, { text: 'Found it.' });
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Look it up.' }];
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    const first = (await ai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools })).choices[0].message;
    messages.push(first, { role: 'tool', tool_call_id: 'call_1', content: 'x is 42' });
    await ai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
    expect((await sessionMemories(ai)).map((m) => `${m.event_type}: ${m.content}`)).toEqual(['user_message: Look it up.', 'assistant_message: Found it.']);
  });

  it('responses: non-streaming and streaming are recorded; the next call gets the exchange appended to its instructions', async () => {
    const ai = remembering('wm-responses', 'ada');
    const plain = await ai.responses.create({ model: 'gpt-4o-mini', input: 'I live in Lyon.' });
    expect(plain.output_text).toBe('ok: I live in Lyon.');
    expect((await received())[0].body).not.toHaveProperty('instructions');
    await ai.memory.flush(); // recording is in the background: without this the next call may not see it yet

    const reply = 'Lyon has wonderful food, and the old town is worth a walk.';
    await fake.control.script({ text: reply });
    const stream = await ai.responses.create({
      model: 'gpt-4o-mini',
      instructions: 'Answer in English.',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is good in Lyon?' }] }],
      stream: true,
    });
    const events = await collect<ResponseStreamEvent>(stream);
    expect(events.map((event) => event.type)).toContain('response.output_text.delta');
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(await instructionsOf(1)).toMatch(/^Answer in English\.\n\n.*user_message: I live in Lyon\./s);

    expect((await sessionMemories(ai)).map((m) => `${m.event_type}: ${m.content}`)).toEqual([
      'user_message: I live in Lyon.',
      'assistant_message: ok: I live in Lyon.',
      'user_message: What is good in Lyon?',
      `assistant_message: ${reply}`,
    ]);

    await ai.responses.create({ model: 'gpt-4o-mini', input: 'Where do I live?' });
    const instructions = await instructionsOf(2);
    expect(instructions).toContain('user_message: I live in Lyon.');
    expect(instructions).toContain(`assistant_message: ${reply}`);
    expect(instructions.startsWith('What you remember')).toBe(true);
  });

  it('two users × two personas: each pair records into its own session and its context holds only its own messages', async () => {
    const tutorAda = remembering('wm-tutor', 'ada');
    const pairs = {
      'tutor/ada': tutorAda,
      'tutor/bob': tutorAda.memory.forUser('bob'),
      'chef/ada': tutorAda.memory.forAgent('wm-chef'),
      'chef/bob': tutorAda.memory.forAgent('wm-chef').memory.forUser('bob'),
    };
    const fact = (pair: string) => `secret of ${pair}: ${pair.replace('/', '-')}-${pair.length * 7}`;
    for (const [pair, client] of Object.entries(pairs)) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: fact(pair) }] });
    }
    await tutorAda.memory.flush();
    expect(tutorAda.memory.stats).toEqual({ recorded: 8, failed: 0, contextFailures: 0 });
    const scopes = await Promise.all(Object.values(pairs).map((client) => client.memory.scope()));
    expect(new Set(scopes.map((scope) => scope.sessionId)).size).toBe(4);
    expect(new Set(scopes.map((scope) => scope.agentId)).size).toBe(2);

    await fake.control.reset();
    const names = Object.keys(pairs);
    for (const client of Object.values(pairs)) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'What do you remember?' }] });
    }
    for (const [index, pair] of names.entries()) {
      const system = await instructionsOf(index);
      expect(system).toContain(fact(pair));
      for (const other of names.filter((name) => name !== pair)) expect(system).not.toContain(fact(other));
    }
    // Each persona's memories carry its own agent id and the user in metadata.
    const chefBob = await sessionMemories(pairs['chef/bob']);
    expect(chefBob.map((m) => [m.agent_id, m.metadata?.memtrace_user])).toEqual(Array(4).fill([scopes[3].agentId, 'bob']));
  });

  it('a second wrapped client (another process, say) finds the pair session by its metadata instead of creating one', async () => {
    const one = remembering('wm-reuse', 'ada');
    await one.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'first process' }] });
    await one.memory.flush();
    const two = remembering('wm-reuse', 'ada');
    expect((await two.memory.scope()).sessionId).toBe((await one.memory.scope()).sessionId);
    await two.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'second process' }] });
    expect(await instructionsOf(1)).toContain('user_message: first process');
    expect((await memtrace.listSessions((await one.memory.scope()).agentId)).count).toBe(1);
  });

  it('a Memtrace outage (unreachable, or a wrong key) never fails the completion: counted and logged without secrets', async () => {
    const unreachable = new Memtrace('http://127.0.0.1:9', 'mtk_secret_unreachable', { maxRetries: 0, timeout: 2000 });
    const wrongKey = new Memtrace(env.baseUrl, 'mtk_secret_wrong', { maxRetries: 0 });
    for (const client of [unreachable, wrongKey]) {
      const ai = withMemory(openai, client, { agent: 'wm-outage', user: 'ada', logger });
      clients.push(ai);
      const chat = await ai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] });
      expect(chat.choices[0].message.content).toBe('ok: still there?');
      const stream = await ai.responses.create({ model: 'gpt-4o-mini', input: 'streaming?', stream: true });
      expect((await collect(stream)).at(-1)?.type).toBe('response.completed');
      await ai.memory.flush();
      expect(ai.memory.stats).toEqual({ recorded: 0, failed: 4, contextFailures: 2 });
    }
    expect(warnings).toHaveLength(8);
    expect(warnings.join('\n')).toMatch(/401/);
    expect(warnings.join('\n')).not.toMatch(/mtk_secret/);
  });

  it('a model error reaches the caller unchanged, and nothing is recorded for that call', async () => {
    const ai = remembering('wm-model-error', 'ada');
    await fake.control.failNext({ status: 400, message: 'Invalid model.', code: 'model_not_found' });
    const rawError = await openai.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    await fake.control.failNext({ status: 400, message: 'Invalid model.', code: 'model_not_found' });
    const wrappedError = await ai.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(wrappedError).toBeInstanceOf(OpenAI.BadRequestError);
    expect(wrappedError).toMatchObject({ status: 400, code: 'model_not_found', message: (rawError as Error).message });

    await fake.control.failNext({ status: 503 });
    await expect(ai.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect(await sessionMemories(ai)).toEqual([]);
    expect(ai.memory.stats).toEqual({ recorded: 0, failed: 0, contextFailures: 0 });
  });

  it('record: false reads memory without writing; the rest of the client passes through', async () => {
    const writer = remembering('wm-readonly', 'ada');
    await writer.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'remember me' }] });
    await writer.memory.flush();
    const reader = withMemory(openai, memtrace, { agent: 'wm-readonly', user: 'ada', record: false, logger });
    clients.push(reader);
    await reader.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'do not store this' }] });
    expect(await instructionsOf(1)).toContain('user_message: remember me');
    expect((await sessionMemories(reader)).map((m) => m.content)).toEqual(['remember me', 'ok: remember me']);

    expect(reader).toBeInstanceOf(OpenAI);
    expect(reader.baseURL).toBe(fake.baseURL);
    expect(reader.chat.completions.create).not.toBe(openai.chat.completions.create);
    expect(() => withMemory(openai, memtrace, { agent: '', user: 'ada' })).toThrow(/'agent' must be a non-empty string/);
  });
});

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

/** Chunks without `created` (Unix seconds, which can tick between two requests). */
function withoutTime(chunks: ChatCompletionChunk[]): unknown[] {
  return chunks.map(({ created: _created, ...rest }) => rest);
}
