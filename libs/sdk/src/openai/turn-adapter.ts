/**
 * What `withMemory` needs to know about one OpenAI endpoint: where the remembered context goes in a
 * request, which text is the user's new turn, and which text is the model's reply (whole or
 * streamed). One adapter for Chat Completions, one for Responses.
 */
export interface TurnAdapter<Body, Reply, Event> {
  /** A copy of the request with the context block added to its instructions; never the caller's object. */
  withContext(body: Body, block: string): Body;
  /**
   * The text of the user's new turn: the last user message, if only system or developer messages
   * follow it. A request that ends with tool results continues a turn recorded on its first call.
   */
  userText(body: Body): string | undefined;
  replyText(reply: Reply): string | undefined;
  /** Collects a streamed reply's text, event by event. */
  streamReader(): StreamReader<Event>;
}

export interface StreamReader<Event> {
  read(event: Event): void;
  text(): string | undefined;
}

/** Roles that may follow the user's message in a request that starts a new turn. */
const INSTRUCTION_ROLES = new Set(['system', 'developer']);

/** The last user message's content, if nothing but instructions follows it. */
export function newUserContent(items: readonly unknown[]): unknown {
  for (let index = items.length - 1; index >= 0; index--) {
    const role = roleOf(items[index]);
    if (role === 'user') return (items[index] as { content?: unknown }).content;
    if (role === undefined || !INSTRUCTION_ROLES.has(role)) return undefined;
  }
  return undefined;
}

/** A message's text: a string, or the `text` of its text parts (`text`, `input_text`, `output_text`). */
export function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return nonEmpty(content);
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((part: unknown) => (isRecord(part) && typeof part.text === 'string' && /text$/.test(String(part.type)) ? [part.text] : []));
  return nonEmpty(texts.join('\n'));
}

export function nonEmpty(text: string | null | undefined): string | undefined {
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function roleOf(item: unknown): string | undefined {
  return isRecord(item) && typeof item.role === 'string' ? item.role : undefined;
}
