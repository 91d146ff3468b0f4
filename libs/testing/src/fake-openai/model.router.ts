// The OpenAI-facing routes, POST /v1/chat/completions and POST /v1/responses, plain or streamed
// (`stream: true`), behind OpenAI's bearer auth: any non-empty key is accepted, none is a 401.
// Each request is recorded, then answered with the next scripted reply.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestBody } from '../arc-double/http/request-body.reader';
import { chatCompletion, chatCompletionChunks } from './chat-completion.encoder';
import type { AssistantTurn, FakeOpenAIRequest, TurnMeta } from './fake-openai.types';
import { sendEvents, sendJson, sendOpenAIError } from './http-reply.util';
import { assistantTurn, ReplyQueue } from './reply.queue';
import { responseEvents, responseObject } from './response.encoder';

const ENDPOINTS: Record<string, FakeOpenAIRequest['endpoint']> = {
  '/v1/chat/completions': 'chat.completions',
  '/v1/responses': 'responses',
};
const BODY_LIMIT_BYTES = 32 * 1024 * 1024;
const MISSING_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
const SERVER_ERROR = 'The server had an error while processing your request. Sorry about that!';

export async function serveModel(queue: ReplyQueue, path: string, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const endpoint = ENDPOINTS[path];
  if (incoming.method !== 'POST' || !endpoint) return sendOpenAIError(outgoing, 404, `Invalid URL (${incoming.method} ${path})`);
  if (!/^Bearer\s+\S/.test(incoming.headers.authorization ?? '')) return sendOpenAIError(outgoing, 401, MISSING_KEY);
  const read = await readRequestBody(incoming, BODY_LIMIT_BYTES);
  if (read.kind !== 'ok') return sendOpenAIError(outgoing, 413, 'Request body too large.');
  const body = parseObject(read.body.toString('utf8'));
  if (!body) return sendOpenAIError(outgoing, 400, 'We could not parse the JSON body of your request.');

  const request = { endpoint, body } as FakeOpenAIRequest;
  const { seq, reply } = queue.take(request);
  if ('error' in reply) {
    const { status, message, type, code } = reply.error;
    return sendOpenAIError(outgoing, status, message ?? (status >= 500 ? SERVER_ERROR : 'Scripted error.'), type, code ?? null);
  }
  const turn = assistantTurn(reply, seq);
  const meta = turnMeta(request, turn, seq);
  const headers = { 'x-request-id': `req_fake_${seq}` };
  if (request.endpoint === 'chat.completions') {
    if (!request.body.stream) return sendJson(outgoing, 200, chatCompletion(turn, meta), headers);
    const chunks = chatCompletionChunks(turn, meta, request.body.stream_options?.include_usage === true);
    return sendEvents(outgoing, [...chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`), 'data: [DONE]\n\n'], headers);
  }
  if (!request.body.stream) return sendJson(outgoing, 200, responseObject(turn, meta, request.body), headers);
  // The Responses stream names each event and, unlike chat, ends without a [DONE] sentinel.
  const events = responseEvents(turn, meta, request.body);
  return sendEvents(outgoing, events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`), headers);
}

function turnMeta(request: FakeOpenAIRequest, turn: AssistantTurn, seq: number): TurnMeta {
  const input = request.endpoint === 'responses' ? [request.body.instructions, request.body.input] : request.body.messages;
  const output = (turn.text ?? '') + turn.toolCalls.map((call) => call.name + call.arguments).join('');
  return {
    seq,
    model: typeof request.body.model === 'string' ? request.body.model : 'gpt-fake',
    created: Math.floor(Date.now() / 1000),
    // A rough 4-characters-per-token count: deterministic, and nonzero like real usage.
    inputTokens: Math.ceil(JSON.stringify(input ?? '').length / 4),
    outputTokens: Math.ceil(output.length / 4),
  };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
