import Anthropic from '@anthropic-ai/sdk';
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { FakeAnthropicHandle, startFakeAnthropic } from './fake-anthropic.server';

const MODEL = 'claude-sonnet-5-5';
const note: Tool = {
  name: 'save_note',
  input_schema: { type: 'object', properties: { text: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } } },
};

describe('fake Anthropic Messages API, streaming', () => {
  let fake: FakeAnthropicHandle;
  let client: Anthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.control.reset());

  it('streams text in deltas that messages.stream() assembles into the same message create() returns', async () => {
    const text = 'A reply long enough to arrive in several text deltas — with ünïcödé 🙂 too.';
    await fake.control.script({ text }, { text });
    const params = { model: MODEL, max_tokens: 256, messages: [{ role: 'user' as const, content: 'talk' }] };

    const stream = client.messages.stream(params);
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const streamed = await stream.finalMessage();
    const created = await client.messages.create(params);

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(text);
    expect(streamed.content).toEqual([{ type: 'text', text, citations: null }]);
    expect({ ...streamed, id: 'x' }).toMatchObject({ ...created, id: 'x' });
  });

  it('streams tool_use input as input_json_delta fragments that parse back to the scripted input', async () => {
    const input = { text: 'remember the deploy window is Tuesday 14:00 UTC', tags: ['ops', 'deploy'] };
    await fake.control.script({ text: 'Saving.', toolUse: [{ name: 'save_note', input }, { name: 'save_note', input: {} }] });

    const stream = client.messages.stream({ model: MODEL, max_tokens: 256, tools: [note], messages: [{ role: 'user', content: 'note it' }] });
    const fragments: string[] = [];
    stream.on('inputJson', (partial) => fragments.push(partial));
    const message = await stream.finalMessage();

    expect(fragments.length).toBeGreaterThan(2);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: 'Saving.', citations: null },
      { type: 'tool_use', id: 'toolu_fake_000001', name: 'save_note', input, caller: { type: 'direct' } },
      { type: 'tool_use', id: 'toolu_fake_000002', name: 'save_note', input: {}, caller: { type: 'direct' } },
    ]);
  });

  it('sends the raw events in the API order with stream: true', async () => {
    await fake.control.script({ toolUse: [{ name: 'save_note', input: { text: 'x' } }] });

    const events = await client.messages.create({ model: MODEL, max_tokens: 64, stream: true, tools: [note], messages: [{ role: 'user', content: 'go' }] });
    const seen: string[] = [];
    for await (const event of events) seen.push(event.type === 'content_block_delta' ? `${event.type}:${event.delta.type}` : event.type);

    expect(seen[0]).toBe('message_start');
    expect(seen[1]).toBe('content_block_start');
    expect(new Set(seen.slice(2, -3))).toEqual(new Set(['content_block_delta:input_json_delta']));
    expect(seen.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect((await fake.control.requests())[0].body?.stream).toBe(true);
  });

  it('fails a streamed request with the scripted HTTP error before any event', async () => {
    await fake.control.failNext({ status: 400, message: 'prompt is too long' });

    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'x' }] });

    await expect(stream.finalMessage()).rejects.toThrow(Anthropic.BadRequestError);
    await expect(stream.finalMessage()).rejects.toThrow(/prompt is too long/);
  });
});
