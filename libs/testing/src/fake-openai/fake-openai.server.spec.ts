// Drives the fake with the real clients it stands in for: the `openai` package and the Agents SDK.
// If a shape drifts from what they parse, these fail inside the client, not in an assertion.
import { Agent, OpenAIChatCompletionsModel, run, setDefaultOpenAIClient, setTracingDisabled, tool } from '@openai/agents';
import OpenAI, { APIError } from 'openai';
import { z } from 'zod';
import { FakeOpenAIHandle, startFakeOpenAI } from './fake-openai.server';

describe('fake OpenAI server', () => {
  let fake: FakeOpenAIHandle;
  let openai: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    // No retries: an error reply answers one HTTP request, and the retry test opts in itself.
    openai = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-fake', maxRetries: 0 });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.control.reset());

  const user = (content: string) => [{ role: 'user' as const, content }];

  describe('chat completions', () => {
    it('answers with the scripted text', async () => {
      await fake.control.script({ text: 'Hello from the script.' });
      const completion = await openai.chat.completions.create({ model: 'gpt-fake', messages: user('hi') });
      expect(completion).toMatchObject({ object: 'chat.completion', id: 'chatcmpl-fake-1', model: 'gpt-fake' });
      expect(completion.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: 'Hello from the script.' } });
      expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    });

    it('echoes the last user message when nothing is scripted', async () => {
      const completion = await openai.chat.completions.create({
        model: 'gpt-fake',
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok: first' },
          { role: 'user', content: [{ type: 'text', text: 'second' }] },
        ],
      });
      expect(completion.choices[0].message.content).toBe('ok: second');
    });

    it('returns scripted tool calls with JSON-encoded arguments', async () => {
      await fake.control.script({ toolCalls: [{ name: 'recall', arguments: { query: 'tea' } }, { name: 'now', arguments: {}, id: 'call_mine' }] });
      const completion = await openai.chat.completions.create({ model: 'gpt-fake', messages: user('what do I drink?') });
      const choice = completion.choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls).toEqual([
        { id: 'call_fake_1_0', type: 'function', function: { name: 'recall', arguments: '{"query":"tea"}' } },
        { id: 'call_mine', type: 'function', function: { name: 'now', arguments: '{}' } },
      ]);
    });

    it('streams text deltas that add up to the reply, then usage when asked', async () => {
      await fake.control.script({ text: 'A reply long enough to span several chunks.' });
      const stream = await openai.chat.completions.create({
        model: 'gpt-fake',
        messages: user('hi'),
        stream: true,
        stream_options: { include_usage: true },
      });
      const deltas: string[] = [];
      const finishes: Array<string | null> = [];
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        for (const choice of chunk.choices) {
          if (choice.delta.content) deltas.push(choice.delta.content);
          finishes.push(choice.finish_reason);
        }
        usage ??= chunk.usage;
      }
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe('A reply long enough to span several chunks.');
      expect(finishes.at(-1)).toBe('stop');
      expect(usage?.completion_tokens).toBeGreaterThan(0);
    });

    it('streams tool calls that the openai stream helper reassembles', async () => {
      await fake.control.script({ toolCalls: [{ name: 'recall', arguments: { query: 'favourite tea', limit: 3 } }] });
      const stream = openai.chat.completions.stream({ model: 'gpt-fake', messages: user('recall it') });
      const argumentDeltas: string[] = [];
      stream.on('tool_calls.function.arguments.delta', (event) => argumentDeltas.push(event.arguments_delta));
      const completion = await stream.finalChatCompletion();
      expect(argumentDeltas.length).toBeGreaterThan(1);
      expect(completion.choices[0].finish_reason).toBe('tool_calls');
      const call = completion.choices[0].message.tool_calls?.[0];
      expect(call).toMatchObject({ id: 'call_fake_1_0', type: 'function', function: { name: 'recall' } });
      expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ query: 'favourite tea', limit: 3 });
    });
  });

  describe('responses', () => {
    it('answers with a message item; the client derives output_text', async () => {
      await fake.control.script({ text: 'Responses reply.' });
      const response = await openai.responses.create({ model: 'gpt-fake', input: 'hi' });
      expect(response).toMatchObject({ object: 'response', id: 'resp_fake_1', status: 'completed' });
      expect(response.output).toEqual([
        {
          type: 'message',
          id: 'msg_fake_1',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Responses reply.', annotations: [], logprobs: [] }],
        },
      ]);
      expect(response.output_text).toBe('Responses reply.');
    });

    it('echoes the last user input item when nothing is scripted', async () => {
      const response = await openai.responses.create({
        model: 'gpt-fake',
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'remember tea' }] }],
      });
      expect(response.output_text).toBe('ok: remember tea');
    });

    it('returns function_call items', async () => {
      await fake.control.script({ toolCalls: [{ name: 'recall', arguments: { query: 'tea' } }] });
      const response = await openai.responses.create({ model: 'gpt-fake', input: 'what do I drink?' });
      expect(response.output).toEqual([
        { type: 'function_call', id: 'fc_fake_1_0', call_id: 'call_fake_1_0', name: 'recall', arguments: '{"query":"tea"}', status: 'completed' },
      ]);
    });

    it('streams the event sequence of a text reply and a function call', async () => {
      await fake.control.script({ text: 'Streamed responses reply.' }, { toolCalls: [{ name: 'recall', arguments: { query: 'tea' } }] });

      const textStream = openai.responses.stream({ model: 'gpt-fake', input: 'hi' });
      const types: string[] = [];
      const textDeltas: string[] = [];
      textStream.on('event', (event) => types.push(event.type));
      textStream.on('response.output_text.delta', (event) => textDeltas.push(event.delta));
      const textResponse = await textStream.finalResponse();
      expect(new Set(types)).toEqual(
        new Set([
          'response.created',
          'response.in_progress',
          'response.output_item.added',
          'response.content_part.added',
          'response.output_text.delta',
          'response.output_text.done',
          'response.content_part.done',
          'response.output_item.done',
          'response.completed',
        ]),
      );
      expect(types[0]).toBe('response.created');
      expect(types.at(-1)).toBe('response.completed');
      expect(textDeltas.join('')).toBe('Streamed responses reply.');
      expect(textResponse.output_text).toBe('Streamed responses reply.');

      const callEvents: OpenAI.Responses.ResponseStreamEvent[] = [];
      for await (const event of await openai.responses.create({ model: 'gpt-fake', input: 'recall', stream: true })) callEvents.push(event);
      expect(callEvents.map((event) => event.sequence_number)).toEqual(callEvents.map((_, index) => index));
      const argumentDeltas = callEvents.flatMap((event) => (event.type === 'response.function_call_arguments.delta' ? [event.delta] : []));
      expect(argumentDeltas.join('')).toBe('{"query":"tea"}');
      const completed = callEvents.at(-1);
      expect(completed?.type === 'response.completed' && completed.response.output).toEqual([
        { type: 'function_call', id: 'fc_fake_2_0', call_id: 'call_fake_2_0', name: 'recall', arguments: '{"query":"tea"}', status: 'completed' },
      ]);
    });
  });

  describe('errors and auth', () => {
    it('surfaces a scripted failure as an APIError with its status and envelope', async () => {
      await fake.control.failNext({ status: 503, message: 'overloaded', code: 'server_overloaded' });
      const failure = await openai.chat.completions.create({ model: 'gpt-fake', messages: user('hi') }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(APIError);
      expect(failure).toMatchObject({ status: 503, type: 'server_error', code: 'server_overloaded', error: { message: 'overloaded' } });

      await fake.control.failNext({ status: 429 });
      await expect(openai.responses.create({ model: 'gpt-fake', input: 'hi', stream: true })).rejects.toMatchObject({ status: 429 });
    });

    it('answers one HTTP request per error reply, so a retrying client gets past it', async () => {
      await fake.control.failNext();
      const retrying = openai.withOptions({ maxRetries: 1 });
      const completion = await retrying.chat.completions.create({ model: 'gpt-fake', messages: user('again') });
      expect(completion.choices[0].message.content).toBe('ok: again');
      expect(await fake.control.requests()).toHaveLength(2);
    });

    it('rejects a request without a bearer key with a 401 envelope and does not record it', async () => {
      const response = await fetch(`${fake.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-fake', messages: user('hi') }),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: null } });
      expect(await fake.control.requests()).toEqual([]);
    });

    it('refuses a malformed script', async () => {
      await expect(fake.control.script({ toolCalls: [] })).rejects.toThrow(/400/);
    });
  });

  it('records every model request body in order, and reset clears them', async () => {
    await openai.chat.completions.create({ model: 'gpt-fake', messages: user('one') });
    await openai.responses.create({ model: 'gpt-fake', input: 'two', instructions: 'be brief' });
    const requests = await fake.control.requests();
    expect(requests).toEqual([
      { endpoint: 'chat.completions', body: { model: 'gpt-fake', messages: user('one') } },
      { endpoint: 'responses', body: { model: 'gpt-fake', input: 'two', instructions: 'be brief' } },
    ]);
    await fake.control.reset();
    expect(await fake.control.requests()).toEqual([]);
  });

  describe('with the Agents SDK', () => {
    const recall = tool({
      name: 'recall',
      description: 'Recall what the user said before.',
      parameters: z.object({ query: z.string() }),
      execute: async ({ query }) => `remembered: ${query} is green tea`,
    });

    beforeAll(() => {
      // Tracing would export spans to api.openai.com; the default client is the fake.
      setTracingDisabled(true);
      setDefaultOpenAIClient(openai);
    });

    async function expectToolThenAnswer(agent: Agent, stream: boolean): Promise<void> {
      await fake.control.script({ toolCalls: [{ name: 'recall', arguments: { query: 'drink' } }] }, { text: 'You drink green tea.' });
      const finalOutput = stream
        ? await run(agent, 'What do I drink?', { stream: true }).then(async (result) => {
            await result.completed;
            return result.finalOutput;
          })
        : (await run(agent, 'What do I drink?')).finalOutput;
      expect(finalOutput).toBe('You drink green tea.');
      const requests = await fake.control.requests();
      expect(requests).toHaveLength(2);
      // The second turn carries the tool's result back to the model under the scripted call id.
      expect(JSON.stringify(requests[1].body)).toContain('call_fake_1_0');
      expect(JSON.stringify(requests[1].body)).toContain('remembered: drink is green tea');
    }

    it('runs an agent through a function tool over the Responses API', async () => {
      const agent = new Agent({ name: 'Assistant', instructions: 'Answer from memory.', model: 'gpt-fake', tools: [recall] });
      await expectToolThenAnswer(agent, false);
      const requests = await fake.control.requests();
      expect(requests.map((request) => request.endpoint)).toEqual(['responses', 'responses']);
      expect(requests[0].body).toMatchObject({ model: 'gpt-fake', instructions: 'Answer from memory.' });
    });

    it('streams an agent run over the Responses API', async () => {
      const agent = new Agent({ name: 'Assistant', model: 'gpt-fake', tools: [recall] });
      await expectToolThenAnswer(agent, true);
    });

    it('runs an agent over Chat Completions, streamed', async () => {
      const agent = new Agent({ name: 'Assistant', model: new OpenAIChatCompletionsModel(openai, 'gpt-fake'), tools: [recall] });
      await expectToolThenAnswer(agent, true);
      expect((await fake.control.requests()).map((request) => request.endpoint)).toEqual(['chat.completions', 'chat.completions']);
    });
  });
});
