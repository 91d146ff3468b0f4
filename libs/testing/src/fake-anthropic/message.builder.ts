// Builds the assistant `message` of a reply, and its server-sent events for `stream: true`, in the
// shapes of the Messages API (typed with @anthropic-ai/sdk's own types, so the real client parses them).
import type { ContentBlock, Message, MessageCreateParams, RawMessageStreamEvent, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { FakeAnthropicToolCall } from './fake-anthropic.types';
import type { ReplyScript } from './reply.script';

export type ModelReply = { text: string } | { toolUse: FakeAnthropicToolCall[]; text?: string };

/** The reply when nothing is scripted: deterministic text echoing the last thing the user wrote. */
export function defaultReply(request: MessageCreateParams): ModelReply {
  return { text: `ok: ${lastUserText(request)}`.trimEnd() };
}

/** A scripted tool call that names a tool the request did not declare, if any (a model cannot call it). */
export function undeclaredTool(request: MessageCreateParams, reply: ModelReply): string | undefined {
  if (!('toolUse' in reply)) return undefined;
  const declared = new Set((request.tools ?? []).map((tool) => ('name' in tool ? tool.name : undefined)));
  return reply.toolUse.find((call) => !declared.has(call.name))?.name;
}

export function buildMessage(request: MessageCreateParams, reply: ModelReply, ids: ReplyScript): Message {
  const content: ContentBlock[] = [];
  if (reply.text !== undefined && reply.text !== '') content.push({ type: 'text', text: reply.text, citations: null });
  const calls = 'toolUse' in reply ? reply.toolUse : [];
  for (const call of calls) {
    content.push({ type: 'tool_use', id: call.id ?? ids.toolUseId(), name: call.name, input: call.input ?? {}, caller: { type: 'direct' } });
  }
  return {
    id: ids.messageId(),
    type: 'message',
    role: 'assistant',
    model: request.model,
    content,
    stop_reason: calls.length > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: usage(estimateTokens([request.system, request.messages, request.tools]), estimateTokens(content)),
  };
}

/** The SSE events of a message: start, each block (start, deltas, stop), delta with the stop reason, stop. */
export function streamEvents(message: Message): RawMessageStreamEvent[] {
  const events: RawMessageStreamEvent[] = [
    { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } },
  ];
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { ...block, text: '' } });
      for (const text of chunks(block.text, 12)) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    } else if (block.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      // Like the API: an empty first fragment, then the input JSON in pieces.
      for (const partial_json of ['', ...chunks(JSON.stringify(block.input), 16)]) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
      }
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null, stop_details: null, container: null },
      usage: {
        output_tokens: message.usage.output_tokens,
        input_tokens: message.usage.input_tokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        server_tool_use: null,
        output_tokens_details: null,
      },
    },
    { type: 'message_stop' },
  );
  return events;
}

function lastUserText(request: MessageCreateParams): string {
  for (const message of [...request.messages].reverse()) {
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    const texts = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : []));
    if (texts.length > 0) return texts.join('\n');
  }
  return '';
}

function usage(inputTokens: number, outputTokens: number): Usage {
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  };
}

/** About four characters a token, at least one: deterministic, not a real tokenizer. */
function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil((JSON.stringify(value) ?? '').length / 4));
}

/** Pieces of at most `size` characters, never splitting a surrogate pair. */
function chunks(text: string, size: number): string[] {
  const characters = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < characters.length; start += size) pieces.push(characters.slice(start, start + size).join(''));
  return pieces;
}
