// The checks of `POST /v1/messages` that a client loop can get wrong, with the API's 400 messages:
// the required fields, custom tools with an object input schema, and every `tool_use` answered by
// a `tool_result` in the very next message (and no `tool_result` without its `tool_use`).
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';

const block = z.looseObject({ type: z.string() });
const messageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(block)]),
});
const toolSchema = z.looseObject({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/), type: z.string().optional() });
const requestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.literal('text'), text: z.string() }))]).optional(),
  tools: z.array(toolSchema).optional(),
  stream: z.boolean().optional(),
});

type Block = z.infer<typeof block>;
type RequestMessage = z.infer<typeof messageSchema>;

export type ValidatedRequest = { ok: true; body: MessageCreateParams } | { ok: false; message: string };

export function validateMessagesRequest(body: unknown): ValidatedRequest {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const problem = checkTools(parsed.data.tools ?? []) ?? checkToolPairs(parsed.data.messages);
  return problem ? { ok: false, message: problem } : { ok: true, body: parsed.data as unknown as MessageCreateParams };
}

function checkTools(tools: Array<z.infer<typeof toolSchema>>): string | undefined {
  const seen = new Set<string>();
  for (const [index, tool] of tools.entries()) {
    if (seen.has(tool.name)) return `tools: Tool names must be unique.`;
    seen.add(tool.name);
    const custom = tool.type === undefined || tool.type === 'custom';
    const schema = tool.input_schema as { type?: unknown } | undefined;
    if (custom && (typeof schema !== 'object' || schema === null || schema.type !== 'object')) {
      return `tools.${index}.custom.input_schema.type: Input should be 'object'`;
    }
  }
  return undefined;
}

function checkToolPairs(messages: RequestMessage[]): string | undefined {
  for (const [index, message] of messages.entries()) {
    const blocks = typeof message.content === 'string' ? [] : message.content;
    for (const [position, item] of blocks.entries()) {
      const problem = checkBlock(item, `messages.${index}.content.${position}`);
      if (problem) return problem;
    }
    if (message.role === 'user') {
      const asked = new Set(toolUseIds(messages[index - 1]));
      for (const [position, item] of blocks.entries()) {
        if (item.type === 'tool_result' && !asked.has(item.tool_use_id as string)) {
          return (
            `messages.${index}.content.${position}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(item.tool_use_id)}. ` +
            'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'
          );
        }
      }
    }
    const next = messages[index + 1];
    const answered = new Set(next?.role === 'user' && typeof next.content !== 'string' ? next.content.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id) : []);
    const missing = toolUseIds(message).filter((id) => !answered.has(id));
    if (message.role === 'assistant' && missing.length > 0) {
      return (
        `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. ` +
        'Each `tool_use` block must have a corresponding `tool_result` block in the next message.'
      );
    }
  }
  return undefined;
}

function checkBlock(item: Block, path: string): string | undefined {
  switch (item.type) {
    case 'text':
      return typeof item.text === 'string' ? undefined : `${path}.text.text: Field required`;
    case 'tool_use':
      if (typeof item.id !== 'string' || typeof item.name !== 'string') return `${path}.tool_use.id: Field required`;
      return typeof item.input === 'object' && item.input !== null && !Array.isArray(item.input) ? undefined : `${path}.tool_use.input: Input should be a valid dictionary`;
    case 'tool_result':
      if (typeof item.tool_use_id !== 'string') return `${path}.tool_result.tool_use_id: Field required`;
      if (item.is_error !== undefined && typeof item.is_error !== 'boolean') return `${path}.tool_result.is_error: Input should be a valid boolean`;
      if (item.content !== undefined && typeof item.content !== 'string' && !Array.isArray(item.content)) {
        return `${path}.tool_result.content: Input should be a valid string or list`;
      }
      return undefined;
    default:
      return undefined;
  }
}

function toolUseIds(message: RequestMessage | undefined): string[] {
  if (!message || message.role !== 'assistant' || typeof message.content === 'string') return [];
  return message.content.filter((b) => b.type === 'tool_use').map((b) => b.id as string);
}
