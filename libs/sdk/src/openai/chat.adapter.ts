/** Memory for Chat Completions: context goes into the system prompt, replies are `choices[0]`. */
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { newUserContent, nonEmpty, textOf, type StreamReader, type TurnAdapter } from './turn-adapter.js';

export const chatAdapter: TurnAdapter<ChatCompletionCreateParams, ChatCompletion, ChatCompletionChunk> = {
  /** Appends to the first system or developer message, or puts a system message first. */
  withContext(body, block) {
    if (!Array.isArray(body.messages)) return body;
    const messages = [...body.messages];
    const index = messages.findIndex((message) => message.role === 'system' || message.role === 'developer');
    if (index === -1) return { ...body, messages: [{ role: 'system', content: block }, ...messages] };
    const instructions = messages[index] as Extract<ChatCompletionMessageParam, { role: 'system' | 'developer' }>;
    messages[index] = { ...instructions, content: appended(instructions.content, block) };
    return { ...body, messages };
  },

  userText(body) {
    return Array.isArray(body.messages) ? textOf(newUserContent(body.messages)) : undefined;
  },

  replyText(reply) {
    return nonEmpty(firstChoice(reply.choices)?.message?.content);
  },

  streamReader(): StreamReader<ChatCompletionChunk> {
    let text = '';
    return {
      read(chunk) {
        const content = firstChoice(chunk.choices)?.delta?.content;
        if (typeof content === 'string') text += content;
      },
      text: () => nonEmpty(text),
    };
  },
};

/** Choice 0: with `n > 1` the others are alternatives the caller did not necessarily use. */
function firstChoice<C extends { index: number }>(choices: readonly C[] | undefined): C | undefined {
  return Array.isArray(choices) ? choices.find((choice) => choice.index === 0) : undefined;
}

function appended<P extends { type: 'text'; text: string }>(content: string | P[], block: string): string | Array<P | { type: 'text'; text: string }> {
  if (typeof content === 'string') return content ? `${content}\n\n${block}` : block;
  return Array.isArray(content) ? [...content, { type: 'text', text: block }] : block;
}
