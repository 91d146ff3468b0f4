import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { FakeAnthropicHandle, startFakeAnthropic } from './fake-anthropic.server';

const MODEL = 'claude-sonnet-5-5';
const weather: Tool = {
  name: 'get_weather',
  description: 'The weather in a city.',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('fake Anthropic Messages API, driven by the real @anthropic-ai/sdk client', () => {
  let fake: FakeAnthropicHandle;
  let client: Anthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.control.reset());

  describe('messages.create', () => {
    it('answers "ok: <last user text>" when nothing is scripted', async () => {
      const message = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hello there' }] });

      expect(message).toMatchObject({
        id: 'msg_fake_000001',
        type: 'message',
        role: 'assistant',
        model: MODEL,
        content: [{ type: 'text', text: 'ok: hello there' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
      });
      expect(message.usage.input_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeGreaterThan(0);
    });

    it('returns scripted replies in order, then falls back to the default', async () => {
      await fake.control.script({ text: 'first' }, { text: 'second' });
      const ask = async () => {
        const message = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
        return message.content.map((block) => (block.type === 'text' ? block.text : block.type));
      };

      expect([await ask(), await ask(), await ask()]).toEqual([['first'], ['second'], ['ok: hi']]);
      expect(await fake.control.pending()).toEqual([]);
    });

    it('scripts tool_use blocks and checks they are answered in the next turn', async () => {
      await fake.control.script({ text: 'Let me look.', toolUse: [{ name: 'get_weather', input: { city: 'Oslo' } }] }, { text: 'Cold.' });
      const messages: MessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];

      const first = await client.messages.create({ model: MODEL, max_tokens: 256, tools: [weather], messages });
      expect(first.stop_reason).toBe('tool_use');
      expect(first.content).toEqual([
        { type: 'text', text: 'Let me look.', citations: null },
        { type: 'tool_use', id: 'toolu_fake_000001', name: 'get_weather', input: { city: 'Oslo' }, caller: { type: 'direct' } },
      ]);

      messages.push({ role: 'assistant', content: first.content });
      const unanswered = client.messages.create({ model: MODEL, max_tokens: 256, tools: [weather], messages });
      await expect(unanswered).rejects.toThrow(Anthropic.BadRequestError);
      await expect(unanswered).rejects.toThrow(/`tool_use` ids were found without `tool_result` blocks immediately after: toolu_fake_000001/);

      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_fake_000001', content: '-3 °C' }] });
      const second = await client.messages.create({ model: MODEL, max_tokens: 256, tools: [weather], messages });
      expect(second.content).toEqual([{ type: 'text', text: 'Cold.', citations: null }]);

      const received = await fake.control.requests();
      expect(received.map((request) => request.status)).toEqual([200, 400, 200]);
      expect(received[2].apiKey).toBe('sk-ant-test');
      expect(received[2].headers['anthropic-version']).toBeTruthy();
      expect(received[2].body?.tools).toEqual([weather]);
      expect(received[2].body?.messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_fake_000001', content: '-3 °C' }] });
    });

    it('refuses a scripted call of a tool the request did not declare, as a model could not make it', async () => {
      await fake.control.script({ toolUse: [{ name: 'get_weather' }] });

      await expect(client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
        /fake-anthropic: the scripted tool_use 'get_weather' is not among the request's tools/,
      );
    });

    it('validates the request as the API does', async () => {
      const bad = client.messages.create({ model: MODEL, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] });
      await expect(bad).rejects.toThrow(Anthropic.BadRequestError);
      await expect(bad).rejects.toThrow(/max_tokens/);
      await expect(
        client.messages.create({ model: MODEL, max_tokens: 8, tools: [{ name: 'broken', input_schema: { type: 'array' } as never }], messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toThrow(/input_schema.type/);
    });
  });

  describe('errors', () => {
    it('makes the next reply an HTTP error in Anthropic’s envelope, which the client maps to its error class', async () => {
      await fake.control.script({ text: 'after the error' });
      await fake.control.failNext({ status: 529 });
      const request = () => client.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });

      const error = await request().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(Anthropic.OverloadedError);
      expect(error).toMatchObject({ status: 529, type: 'overloaded_error', requestID: 'req_fake_000001' });
      expect((await request()).content).toEqual([{ type: 'text', text: 'after the error', citations: null }]);
    });

    it('scripts errors in sequence with replies', async () => {
      await fake.control.script({ error: { status: 429, message: 'slow down' } }, { text: 'fine' });

      await expect(client.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
        expect.objectContaining({ status: 429, type: 'rate_limit_error', message: expect.stringContaining('slow down') }),
      );
    });

    it('answers 401 in the envelope without an API key, and for a key other than the configured one', async () => {
      const post = (headers: Record<string, string>) =>
        fetch(`${fake.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
          body: JSON.stringify({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }),
        });
      expect((await post({ 'x-api-key': 'sk-ant-raw' })).status).toBe(200);
      const raw = await post({});
      expect(raw.status).toBe(401);
      expect(await raw.json()).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: 'x-api-key header is required' },
        request_id: raw.headers.get('request-id'),
      });

      const strict = await startFakeAnthropic({ apiKey: 'sk-ant-right' });
      try {
        const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: strict.url, maxRetries: 0 });
        await expect(wrong.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(Anthropic.AuthenticationError);
        const right = new Anthropic({ apiKey: 'sk-ant-right', baseURL: strict.url, maxRetries: 0 });
        expect((await right.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })).stop_reason).toBe('end_turn');
      } finally {
        await strict.stop();
      }
    });

    it('answers other routes with a not_found_error', async () => {
      const reply = await fetch(`${fake.url}/v1/complete`, { method: 'POST', headers: { 'x-api-key': 'k' } });

      expect(reply.status).toBe(404);
      expect(await reply.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    });
  });

  describe('control API', () => {
    it('rejects a malformed script instead of ignoring it', async () => {
      await expect(fake.control.script({ toolUse: [] })).rejects.toThrow(/400/);
      await expect(fake.control.script({ txt: 'typo' } as never)).rejects.toThrow(/400/);
      expect(await fake.control.pending()).toEqual([]);
    });

    it('resets the script, the recorded requests and the ids', async () => {
      await fake.control.script({ text: 'a' }, { text: 'b' });
      await client.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });

      await fake.control.reset();

      expect(await fake.control.pending()).toEqual([]);
      expect(await fake.control.requests()).toEqual([]);
      const message = await client.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'y' }] });
      expect(message).toMatchObject({ id: 'msg_fake_000001', content: [{ type: 'text', text: 'ok: y' }] });
    });
  });
});
