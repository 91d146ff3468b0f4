// The control API a test drives, on the same port under /_control/ (no auth):
// POST /_control/script {"replies":[…]} appends replies; GET /_control/requests lists every model
// request body received, in order; POST /_control/reset clears both; GET /_control/health.
// Its errors use the repo's `{"error": "<message>"}` shape, not OpenAI's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readRequestBody } from '../arc-double/http/request-body.reader';
import { sendJson } from './http-reply.util';
import type { ReplyQueue } from './reply.queue';

const toolCall = z.object({
  name: z.string().min(1),
  arguments: z.union([z.record(z.string(), z.unknown()), z.string()]),
  id: z.string().min(1).optional(),
});
const reply = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({ toolCalls: z.array(toolCall).min(1) }),
  z.strictObject({
    error: z.object({
      status: z.number().int().min(400).max(599),
      type: z.string().optional(),
      message: z.string().optional(),
      code: z.string().nullable().optional(),
    }),
  }),
]);
const scriptBody = z.object({ replies: z.array(reply) });
const CONTROL_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export async function serveControl(queue: ReplyQueue, route: string, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  switch (route) {
    case 'GET /_control/health':
      return sendJson(outgoing, 200, { status: 'ok' });
    case 'GET /_control/requests':
      return sendJson(outgoing, 200, queue.requests());
    case 'POST /_control/reset':
      queue.reset();
      return sendJson(outgoing, 200, { status: 'reset' });
    case 'POST /_control/script': {
      const read = await readRequestBody(incoming, CONTROL_BODY_LIMIT_BYTES);
      if (read.kind !== 'ok') return sendJson(outgoing, 413, { error: 'body too large' });
      const parsed = scriptBody.safeParse(parseJson(read.body.toString('utf8')));
      if (!parsed.success) return sendJson(outgoing, 400, { error: z.prettifyError(parsed.error) });
      return sendJson(outgoing, 200, { pending: queue.script(parsed.data.replies) });
    }
    default:
      return sendJson(outgoing, 404, { error: `Cannot ${route}` });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
