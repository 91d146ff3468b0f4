import type { AgentInputItem } from '@openai/agents';
import type { Memory } from '../types.js';

/**
 * How conversation items map to Memtrace memories and back: a user or assistant message is one
 * memory of type `session` with event `user_message` / `assistant_message` and the text as content.
 */

export const USER_MESSAGE_EVENT = 'user_message';
export const ASSISTANT_MESSAGE_EVENT = 'assistant_message';
export type MessageEvent = typeof USER_MESSAGE_EVENT | typeof ASSISTANT_MESSAGE_EVENT;

/** Upstream's heading for the injected context, kept so prompts written for it still read right. */
export const CONTEXT_PREFIX = '[System: Prior memory context for this agent]\n\n';

/** The message worth storing in an item, if any. */
export interface StorableMessage {
  event: MessageEvent;
  text: string;
}

/**
 * A user message with string content (as `run(agent, 'text')` makes it), or an assistant message
 * with its `output_text` parts joined. Multimodal user content, refusals, tool calls and their
 * results, reasoning and system messages are not stored: they are not conversation text.
 */
export function storableMessage(item: AgentInputItem): StorableMessage | undefined {
  if (!('role' in item)) return undefined;
  if (item.role === 'user') {
    return typeof item.content === 'string' && item.content.trim() !== '' ? { event: USER_MESSAGE_EVENT, text: item.content } : undefined;
  }
  if (item.role === 'assistant' && Array.isArray(item.content)) {
    const text = item.content.map((part) => (part.type === 'output_text' ? part.text : '')).join('');
    return text.trim() !== '' ? { event: ASSISTANT_MESSAGE_EVENT, text } : undefined;
  }
  return undefined;
}

/** The conversation item a stored message memory stands for; other memories are not messages. */
export function messageItem(memory: Memory): AgentInputItem | undefined {
  if (memory.memory_type !== 'session') return undefined;
  if (memory.event_type === USER_MESSAGE_EVENT) return { type: 'message', role: 'user', content: memory.content };
  if (memory.event_type === ASSISTANT_MESSAGE_EVENT) {
    return { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: memory.content }] };
  }
  return undefined;
}

/** The first item of a session whose agent has prior memories. */
export function contextItem(markdown: string, role: 'user' | 'system'): AgentInputItem {
  return { type: 'message', role, content: CONTEXT_PREFIX + markdown };
}
