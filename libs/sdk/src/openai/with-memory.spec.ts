import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import type { Memtrace } from '../client.js';
import { ConflictError } from '../errors.js';
import type { AddMemoryRequest, Session } from '../types.js';
import { chatAdapter } from './chat.adapter.js';
import { userTag } from './conversation-memory.js';
import { responsesAdapter } from './responses.adapter.js';
import { withMemory } from './with-memory.js';

/** Just enough of Memtrace, in memory: agents by name, sessions, and the memories written. */
class InMemoryMemtrace {
  readonly agents = new Map<string, string>();
  readonly sessions: Session[] = [];
  readonly memories: AddMemoryRequest[] = [];
  calls = { registerAgent: 0, createSession: 0 };

  async registerAgent({ name }: { name: string }) {
    this.calls.registerAgent += 1;
    await tick();
    if (this.agents.has(name)) throw new ConflictError('agent name already exists', 409);
    this.agents.set(name, `agent_${this.agents.size + 1}`);
    return { id: this.agents.get(name)! };
  }
  async getAgent(name: string) {
    return { id: this.agents.get(name)! };
  }
  async listSessions(agentId: string) {
    await tick();
    const sessions = this.sessions.filter((s) => s.agent_id === agentId);
    return { sessions, count: sessions.length };
  }
  async createSession({ agent_id, metadata }: { agent_id: string; metadata: Record<string, unknown> }) {
    this.calls.createSession += 1;
    const session = { id: `sess_${this.sessions.length + 1}`, agent_id, metadata, status: 'active', created_at: new Date().toISOString() } as Session;
    this.sessions.push(session);
    return session;
  }
  async getSessionContext(sessionId: string) {
    const lines = this.memories.filter((m) => m.session_id === sessionId).map((m) => `- ${m.event_type}: ${m.content}`);
    return { session_id: sessionId, context: lines.join('\n'), memory_count: lines.length };
  }
  async addMemories(memories: AddMemoryRequest[]) {
    this.memories.push(...memories);
    return memories;
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const completion = (text: string) => ({ id: 'c', choices: [{ index: 0, message: { role: 'assistant', content: text } }] }) as unknown as ChatCompletion;
const chunk = (content: string) => ({ choices: [{ index: 0, delta: { content } }] }) as unknown as ChatCompletionChunk;

/** A client shaped like openai's whose `create` answers from a function (plain promises, no APIPromise). */
function fakeClient(answer: (body: ChatCompletionCreateParams) => unknown) {
  const sent: ChatCompletionCreateParams[] = [];
  const client = {
    chat: { completions: { create: async (body: ChatCompletionCreateParams) => (sent.push(body), answer(body)) } },
    models: { list: () => 'models' },
  };
  return { client, sent };
}

describe('withMemory (unit: in-memory Memtrace, fake client)', () => {
  it('registers the persona once and creates one session per pair, even for concurrent first calls', async () => {
    const memtrace = new InMemoryMemtrace();
    const { client } = fakeClient(() => completion('hi'));
    const ai = withMemory(client, memtrace as unknown as Memtrace, { agent: 'tutor', user: 'ada' });
    await Promise.all([1, 2, 3].map(() => ai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })));
    await ai.memory.flush();
    expect(memtrace.calls).toEqual({ registerAgent: 1, createSession: 1 });
    expect(memtrace.memories).toHaveLength(6);
    expect(ai.models.list()).toBe('models');
  });

  it('does not hold a completion back longer than contextTimeoutMs when Memtrace does not answer', async () => {
    const memtrace = new InMemoryMemtrace();
    memtrace.getSessionContext = () => new Promise(() => undefined); // never answers
    const warnings: string[] = [];
    const { client, sent } = fakeClient(() => completion('went ahead'));
    const ai = withMemory(client, memtrace as unknown as Memtrace, { agent: 'tutor', user: 'ada', contextTimeoutMs: 50, logger: { warn: (m) => warnings.push(m) } });
    const reply = await ai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
    expect((reply as ChatCompletion).choices[0].message.content).toBe('went ahead');
    expect(sent[0].messages).toEqual([{ role: 'user', content: 'hello' }]);
    expect(ai.memory.stats.contextFailures).toBe(1);
    expect(warnings.join('\n')).toContain('no answer within 50 ms');
    await ai.memory.flush();
  });

  it('takes a taken persona name (409) as the existing agent', async () => {
    const memtrace = new InMemoryMemtrace();
    memtrace.agents.set('tutor', 'agent_existing');
    const { client } = fakeClient(() => completion('hi'));
    const ai = withMemory(client, memtrace as unknown as Memtrace, { agent: 'tutor', user: 'ada' });
    expect((await ai.memory.scope()).agentId).toBe('agent_existing');
  });

  it("writes a pair's memories in conversation order, and a throwing logger never fails a completion", async () => {
    const memtrace = new InMemoryMemtrace();
    const store = memtrace.addMemories.bind(memtrace);
    let delayMs = 50;
    memtrace.addMemories = async (memories) => {
      const wait = delayMs;
      delayMs = 0;
      await new Promise((resolve) => setTimeout(resolve, wait));
      return store(memories);
    };
    const { client } = fakeClient((body) => completion(`re: ${body.messages.at(-1)!.content as string}`));
    const logger = {
      warn: () => {
        throw new Error('logger down');
      },
    };
    const ai = withMemory(client, memtrace as unknown as Memtrace, { agent: 'tutor', user: 'ada', logger });
    await ai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'first' }] });
    await ai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'second' }] });
    await ai.memory.flush();
    expect(memtrace.memories.map((m) => m.content)).toEqual(['first', 're: first', 'second', 're: second']);

    memtrace.getSessionContext = () => Promise.reject(new Error('context down'));
    memtrace.addMemories = () => Promise.reject(new Error('writes down'));
    const reply = await ai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'third' }] });
    expect((reply as ChatCompletion).choices[0].message.content).toBe('re: third');
    await ai.memory.flush();
    expect(ai.memory.stats).toEqual({ recorded: 4, failed: 2, contextFailures: 1 });
  });

  it('a stream stopped early or failing records only the user message, and the error reaches the caller', async () => {
    const memtrace = new InMemoryMemtrace();
    const { client } = fakeClient(async function* (body: ChatCompletionCreateParams) {
      yield chunk('part one, ');
      if ((body.messages.at(-1)!.content as string).includes('fail')) throw new Error('connection reset');
      yield chunk('part two');
    } as unknown as (body: ChatCompletionCreateParams) => unknown);
    const ai = withMemory(client, memtrace as unknown as Memtrace, { agent: 'tutor', user: 'ada', logger: { warn: () => undefined } });

    const stopped = (await ai.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'stop early' }] })) as AsyncIterable<ChatCompletionChunk>;
    for await (const _ of stopped) break;
    const failing = (await ai.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'fail midway' }] })) as AsyncIterable<ChatCompletionChunk>;
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of failing) seen.push(item.choices[0].delta.content!);
      })(),
    ).rejects.toThrow('connection reset');
    expect(seen).toEqual(['part one, ']);
    const whole = (await ai.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'whole' }] })) as AsyncIterable<ChatCompletionChunk>;
    for await (const _ of whole);

    await ai.memory.flush();
    expect(memtrace.memories.map((m) => `${m.event_type}: ${m.content}`)).toEqual([
      'user_message: stop early',
      'user_message: fail midway',
      'user_message: whole',
      'assistant_message: part one, part two',
    ]);
  });
});

describe('chat and responses adapters', () => {
  const chat = (messages: unknown[]) => ({ model: 'm', messages }) as ChatCompletionCreateParams;
  const responses = (input: unknown, instructions?: string) => ({ model: 'm', input, instructions }) as ResponseCreateParams;

  it("the user's new turn: the last user message, unless the assistant or a tool result follows it", () => {
    expect(chatAdapter.userText(chat([{ role: 'user', content: 'hello' }]))).toBe('hello');
    expect(chatAdapter.userText(chat([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url' }, { type: 'text', text: 'b' }] }]))).toBe('a\nb');
    expect(chatAdapter.userText(chat([{ role: 'user', content: 'q' }, { role: 'developer', content: 'be brief' }]))).toBe('q');
    expect(chatAdapter.userText(chat([{ role: 'user', content: 'q' }, { role: 'assistant', content: null }, { role: 'tool', content: 'r' }]))).toBeUndefined();
    expect(chatAdapter.userText(chat([{ role: 'user', content: '   ' }]))).toBeUndefined();
    expect(responsesAdapter.userText(responses('hi'))).toBe('hi');
    expect(responsesAdapter.userText(responses([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hey' }] }]))).toBe('hey');
    expect(responsesAdapter.userText(responses([{ role: 'user', content: 'q' }, { type: 'function_call_output', call_id: 'c', output: '1' }]))).toBeUndefined();
  });

  it("adds the context to a copy, never to the caller's request", () => {
    const messages = [{ role: 'user', content: 'q' }];
    const body = chat(messages);
    expect(chatAdapter.withContext(body, 'CTX').messages).toEqual([{ role: 'system', content: 'CTX' }, { role: 'user', content: 'q' }]);
    expect(body.messages).toEqual([{ role: 'user', content: 'q' }]);
    const withSystem = chat([{ role: 'user', content: 'q' }, { role: 'system', content: 'S' }]);
    expect(chatAdapter.withContext(withSystem, 'CTX').messages[1]).toEqual({ role: 'system', content: 'S\n\nCTX' });
    expect(withSystem.messages[1]).toEqual({ role: 'system', content: 'S' });
    const request = responses('q', 'Be kind.');
    expect(responsesAdapter.withContext(request, 'CTX').instructions).toBe('Be kind.\n\nCTX');
    expect(request.instructions).toBe('Be kind.');
  });

  it('reads replies: chat choice 0, responses output text (from output items when the client did not add it)', () => {
    expect(chatAdapter.replyText({ choices: [{ index: 1, message: { content: 'other' } }, { index: 0, message: { content: 'mine' } }] } as unknown as ChatCompletion)).toBe('mine');
    const output = [{ type: 'function_call' }, { type: 'message', content: [{ type: 'output_text', text: 'a' }, { type: 'refusal' }, { type: 'output_text', text: 'b' }] }];
    expect(responsesAdapter.replyText({ output } as never)).toBe('ab');
    const reader = responsesAdapter.streamReader();
    reader.read({ type: 'response.output_text.delta', delta: 'partial' } as never);
    expect(reader.text()).toBe('partial');
    reader.read({ type: 'response.completed', response: { output } } as never);
    expect(reader.text()).toBe('ab');
  });

  it('user tags fit the server tag pattern', () => {
    expect(userTag('ada')).toBe('user.ada');
    expect(userTag('ada@example.com')).toBe('user.ada_example.com');
    expect(userTag('x'.repeat(100))).toHaveLength(64);
  });
});
