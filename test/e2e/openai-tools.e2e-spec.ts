import OpenAI from 'openai';
import type { ChatCompletionMessage, ChatCompletionMessageParam, ChatCompletionToolMessageParam } from 'openai/resources/chat/completions';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { Memtrace, MEMORY_TOOLS, type Memory, type MemoryList, type SearchResult } from '@memtrace/sdk';
import { handleFunctionCalls, handleToolCalls, openaiResponsesTools, openaiTools } from '@memtrace/sdk/openai';
import { CLIENT_STACK, createStack, FakeOpenAIHandle, FakeOpenAIReply, startFakeOpenAI, TenantStack } from '@memtrace/testing';

jest.setTimeout(120_000);

/*
 * The memory tools in OpenAI's formats, driven the way an application drives them: the real
 * `openai` client talks to the fake OpenAI API (which plays the model from a script), and the tool
 * calls run against the real stack (gateway, worker, query, admin; Arc double).
 */
describe('@memtrace/sdk/openai tools against the real stack and the real openai client', () => {
  let env: TenantStack;
  let fake: FakeOpenAIHandle;
  let openai: OpenAI;
  let memtrace: Memtrace;

  beforeAll(async () => {
    [env, fake] = await Promise.all([createStack(CLIENT_STACK), startFakeOpenAI()]);
    openai = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-fake', maxRetries: 0 });
    memtrace = new Memtrace(env.baseUrl, env.key, { retryBaseDelay: 50 });
  }, 120_000);
  afterAll(async () => {
    await fake?.stop();
    await env?.close();
  });
  beforeEach(() => fake.control.reset());

  async function agentWithSession(name: string) {
    const agent = await memtrace.registerAgent({ name });
    const session = await memtrace.createSession({ agent_id: agent.id });
    return { agentId: agent.id, sessionId: session.id };
  }

  /** The upstream loop: send, run the memory tools the model called, send their results, until text. */
  async function chatLoop(client: Memtrace, binding: { agentId: string; sessionId?: string }, script: FakeOpenAIReply[], onToolCalls?: (message: ChatCompletionMessage) => ChatCompletionToolMessageParam[]) {
    await fake.control.script(...script);
    const tools = openaiTools();
    const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: 'You have memory.' }, { role: 'user', content: 'Look after the deploy notes.' }];
    for (let round = 0; round < 10; round++) {
      const message = (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools })).choices[0].message;
      messages.push(message);
      if (!message.tool_calls?.length) return { messages, answer: message.content };
      messages.push(...(await handleToolCalls(client, binding, message)), ...(onToolCalls?.(message) ?? []));
    }
    throw new Error('the loop did not end');
  }

  /** The tool messages the model received, by the id of the call they answer. */
  async function receivedToolMessages(): Promise<Map<string, string>> {
    const requests = await fake.control.requests();
    const last = requests.at(-1)!;
    if (last.endpoint !== 'chat.completions') throw new Error('expected a chat request');
    return new Map(last.body.messages.flatMap((m) => (m.role === 'tool' ? [[m.tool_call_id, m.content as string] as [string, string]] : [])));
  }

  it('openaiTools(): the four memory tools as chat function tools, fresh copies of the shared definitions', () => {
    const tools = openaiTools();
    expect(tools.map((tool) => tool.type === 'function' && tool.function.name)).toEqual(['memtrace_remember', 'memtrace_recall', 'memtrace_search', 'memtrace_decide']);
    tools.forEach((tool, index) => {
      expect(tool).toEqual({ type: 'function', function: { name: MEMORY_TOOLS[index].name, description: MEMORY_TOOLS[index].description, parameters: MEMORY_TOOLS[index].parameters } });
    });
    (tools[0].type === 'function' ? tools[0].function.parameters! : {}).required = ['changed'];
    expect(MEMORY_TOOLS[0].parameters.required).toEqual(['content']);
    expect(openaiResponsesTools().map((tool) => [tool.type, tool.name, tool.strict])).toEqual(MEMORY_TOOLS.map((tool) => ['function', tool.name, false]));
  });

  it('chat tool loop: remember → recall + search → decide, the model receives what Memtrace stored', async () => {
    const binding = await agentWithSession('oai-tools-loop');
    const { messages, answer } = await chatLoop(memtrace, binding, [
      { toolCalls: [{ id: 'call_remember', name: 'memtrace_remember', arguments: { content: 'the deploy freeze starts Friday', tags: ['deploy'], importance: 0.8 } }] },
      {
        toolCalls: [
          { id: 'call_recall', name: 'memtrace_recall', arguments: { since: '1h' } },
          { id: 'call_search', name: 'memtrace_search', arguments: { content_contains: 'freeze', tags: ['deploy'] } },
        ],
      },
      { toolCalls: [{ id: 'call_decide', name: 'memtrace_decide', arguments: { decision: 'no deploys on Friday', reasoning: 'the freeze starts then' } }] },
      { text: 'Noted: no deploys on Friday.' },
    ]);
    expect(answer).toBe('Noted: no deploys on Friday.');
    expect(messages.filter((m) => m.role === 'tool')).toHaveLength(4);

    // What Memtrace stored, read back with the client.
    const stored = (await memtrace.listMemories({ agent_id: binding.agentId, since: '1h', order: 'asc' })).memories;
    expect(stored).toEqual([
      expect.objectContaining({ content: 'the deploy freeze starts Friday', memory_type: 'episodic', session_id: binding.sessionId, tags: ['deploy'], importance: 0.8 }),
      expect.objectContaining({ content: 'no deploys on Friday', memory_type: 'decision', metadata: { reasoning: 'the freeze starts then' } }),
    ]);
    const [remembered, decided] = stored;

    // What the model received: the last request carries every tool message of the conversation.
    const received = await receivedToolMessages();
    expect(JSON.parse(received.get('call_remember')!)).toMatchObject({ id: remembered.id, content: remembered.content, agent_id: binding.agentId });
    const recalled = JSON.parse(received.get('call_recall')!) as MemoryList;
    expect(recalled.memories.map((m: Memory) => m.id)).toEqual([remembered.id]);
    const found = JSON.parse(received.get('call_search')!) as SearchResult;
    expect(found.results.map((m: Memory) => m.content)).toEqual(['the deploy freeze starts Friday']);
    expect(JSON.parse(received.get('call_decide')!)).toMatchObject({ id: decided.id, memory_type: 'decision' });
  });

  it('memory tools mix with your own: their calls are skipped for you to answer, or answered with an error on request', async () => {
    const binding = await agentWithSession('oai-tools-mixed');
    const weather = { role: 'tool' as const, tool_call_id: 'call_weather', content: '{"forecast":"sunny"}' };
    const { answer } = await chatLoop(
      memtrace,
      binding,
      [
        {
          toolCalls: [
            { id: 'call_weather', name: 'get_weather', arguments: { city: 'Oslo' } },
            { id: 'call_remember', name: 'memtrace_remember', arguments: { content: 'asked about the weather in Oslo' } },
          ],
        },
        { text: 'Sunny in Oslo.' },
      ],
      (message) => (message.tool_calls?.some((call) => call.id === 'call_weather') ? [weather] : []),
    );
    expect(answer).toBe('Sunny in Oslo.');
    const received = await receivedToolMessages();
    expect([...received.keys()].sort()).toEqual(['call_remember', 'call_weather']);
    expect(received.get('call_weather')).toBe('{"forecast":"sunny"}');

    const message: Pick<ChatCompletionMessage, 'tool_calls'> = {
      tool_calls: [{ id: 'call_x', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
    };
    expect(await handleToolCalls(memtrace, binding, message)).toEqual([]);
    const [answered] = await handleToolCalls(memtrace, binding, message, { unknownTools: 'error' });
    expect(answered.tool_call_id).toBe('call_x');
    expect(JSON.parse(answered.content as string).error).toMatch(/unknown tool 'get_weather'/);
    expect(await handleToolCalls(memtrace, binding, { tool_calls: undefined })).toEqual([]);
  });

  it('errors come back as tool messages the model reads, never as a throw: bad JSON, missing and invalid args, a 403', async () => {
    const binding = await agentWithSession('oai-tools-errors');
    const readOnly = new Memtrace(env.baseUrl, env.readOnlyKey);
    await fake.control.script(
      {
        toolCalls: [
          { id: 'call_json', name: 'memtrace_remember', arguments: '{"content": "unterminated' },
          { id: 'call_missing', name: 'memtrace_remember', arguments: { tags: ['x'] } },
          { id: 'call_type', name: 'memtrace_recall', arguments: { memory_type: 'semantic' } },
          { id: 'call_forbidden', name: 'memtrace_remember', arguments: { content: 'a read-only key cannot write this' } },
        ],
      },
      { text: 'I could not store that.' },
    );
    const tools = openaiTools();
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'remember things' }];
    const first = (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools })).choices[0].message;
    const replies = await handleToolCalls(readOnly, binding, first);
    messages.push(first, ...replies);
    const final = (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools })).choices[0].message;
    expect(final.content).toBe('I could not store that.');

    const received = await receivedToolMessages();
    expect(JSON.parse(received.get('call_json')!)).toEqual({ error: 'the tool arguments are not valid JSON' });
    expect(JSON.parse(received.get('call_missing')!)).toEqual({ error: "'content' is required" });
    expect(JSON.parse(received.get('call_type')!).error).toMatch(/memory type must be one of episodic, decision, entity, session, got "semantic"/);
    expect(JSON.parse(received.get('call_forbidden')!)).toMatchObject({ status: 403, error: expect.any(String) });
    expect((await memtrace.listMemories({ agent_id: binding.agentId, since: '1h' })).count).toBe(0);
  });

  it('Responses API: function_call items run into function_call_output items, the model receives the stored memory', async () => {
    const binding = await agentWithSession('oai-tools-responses');
    await fake.control.script(
      {
        toolCalls: [
          { id: 'call_r1', name: 'memtrace_remember', arguments: { content: 'Ada prefers email', memory_type: 'entity' } },
          { id: 'call_other', name: 'lookup_account', arguments: { name: 'Ada' } },
        ],
      },
      { toolCalls: [{ id: 'call_r2', name: 'memtrace_search', arguments: { memory_types: ['entity'], content_contains: 'Ada' } }] },
      { text: 'Ada prefers email.' },
    );
    const tools = openaiResponsesTools();
    const input: ResponseInputItem[] = [{ role: 'user', content: 'How does Ada like to be contacted?' }];
    let response = await openai.responses.create({ model: 'gpt-4o-mini', input, tools });
    const outputsPerRound: ResponseInputItem.FunctionCallOutput[][] = [];
    while (response.output.some((item) => item.type === 'function_call')) {
      const outputs = await handleFunctionCalls(memtrace, binding, response);
      outputsPerRound.push(outputs);
      const own = response.output.flatMap((item) =>
        item.type === 'function_call' && item.name === 'lookup_account' ? [{ type: 'function_call_output' as const, call_id: item.call_id, output: '{"id":42}' }] : [],
      );
      input.push(...(response.output as ResponseInputItem[]), ...outputs, ...own);
      response = await openai.responses.create({ model: 'gpt-4o-mini', input, tools });
    }
    expect(response.output_text).toBe('Ada prefers email.');
    expect(outputsPerRound.map((outputs) => outputs.map((output) => output.call_id))).toEqual([['call_r1'], ['call_r2']]);

    const [entity] = (await memtrace.listMemories({ agent_id: binding.agentId, since: '1h' })).memories;
    expect(entity).toMatchObject({ content: 'Ada prefers email', memory_type: 'entity', session_id: binding.sessionId });

    const requests = await fake.control.requests();
    const last = requests.at(-1)!;
    if (last.endpoint !== 'responses') throw new Error('expected a responses request');
    const outputs = new Map(
      (last.body.input as ResponseInputItem[]).flatMap((item) => (item.type === 'function_call_output' ? [[item.call_id, item.output as string] as [string, string]] : [])),
    );
    expect(JSON.parse(outputs.get('call_r1')!)).toMatchObject({ id: entity.id, content: 'Ada prefers email' });
    expect((JSON.parse(outputs.get('call_r2')!) as SearchResult).results.map((m) => m.id)).toEqual([entity.id]);
    expect(outputs.get('call_other')).toBe('{"id":42}');

    // A bare output list works too, and unknown tools can be answered with an error.
    const [error] = await handleFunctionCalls(memtrace, binding, [{ type: 'function_call', call_id: 'c', name: 'nope', arguments: '{}' }], { unknownTools: 'error' });
    expect(error).toMatchObject({ type: 'function_call_output', call_id: 'c' });
    expect(JSON.parse(error.output as string).error).toMatch(/unknown tool 'nope'/);
  });
});
