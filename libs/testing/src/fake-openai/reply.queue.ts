// The script of a fake OpenAI server: replies queued by a test, and every model request received,
// in order. With nothing scripted the fake answers "ok: <last user message>" so example scripts
// run unscripted and still get a deterministic answer.
import type { AssistantTurn, FakeOpenAIReply, FakeOpenAIRequest } from './fake-openai.types';

export class ReplyQueue {
  private pending: FakeOpenAIReply[] = [];
  private received: FakeOpenAIRequest[] = [];
  private turns = 0;

  /** Appends replies; returns how many are now waiting. */
  script(replies: readonly FakeOpenAIReply[]): number {
    this.pending.push(...replies);
    return this.pending.length;
  }

  requests(): readonly FakeOpenAIRequest[] {
    return this.received;
  }

  reset(): void {
    this.pending = [];
    this.received = [];
    this.turns = 0;
  }

  /** Records the request and takes the reply it gets; `seq` numbers the turn for its ids. */
  take(request: FakeOpenAIRequest): { seq: number; reply: FakeOpenAIReply } {
    this.received.push(request);
    const input = request.endpoint === 'responses' ? request.body.input : request.body.messages;
    return { seq: ++this.turns, reply: this.pending.shift() ?? { text: `ok: ${lastUserText(input)}` } };
  }
}

export function assistantTurn(reply: Exclude<FakeOpenAIReply, { error: unknown }>, seq: number): AssistantTurn {
  if ('text' in reply) return { text: reply.text, toolCalls: [] };
  return {
    text: null,
    toolCalls: reply.toolCalls.map((call, index) => ({
      callId: call.id ?? `call_fake_${seq}_${index}`,
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    })),
  };
}

/** Text of the last user message of chat `messages` or a Responses `input` (string or items). */
export function lastUserText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  const user = input.findLast((item: unknown) => isRecord(item) && item.role === 'user') as Record<string, unknown> | undefined;
  const content = user?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  // Chat parts are {type:'text'}, Responses parts {type:'input_text'}; both carry `text`.
  return content.map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
