// The control API, on the same port under /_control (no API key): script the model's replies, read
// back what the fake received, reset. The zod schemas make a typo in a test's script a 400, not a
// silently ignored reply.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AnthropicErrorType } from './fake-anthropic.types';
import type { ReplyScript } from './reply.script';

const ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'overloaded_error',
] as const satisfies readonly AnthropicErrorType[];

const toolCall = z.strictObject({
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()).optional(),
  id: z.string().min(1).optional(),
});
const scriptedError = z.strictObject({
  status: z.number().int().min(400).max(599),
  type: z.enum(ERROR_TYPES).optional(),
  message: z.string().optional(),
});
const reply = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({ toolUse: z.array(toolCall).min(1), text: z.string().optional() }),
  z.strictObject({ error: scriptedError }),
]);
const scriptBody = z.strictObject({ replies: z.array(reply) });
const failNextBody = scriptedError.extend({ times: z.number().int().min(1).optional() });

export async function serveControl(script: ReplyScript, route: string, body: string, response: ServerResponse): Promise<void> {
  const send = (status: number, payload: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  };
  try {
    switch (route) {
      case 'GET /_control/health':
        return send(200, { status: 'ok' });
      case 'GET /_control/script':
        return send(200, { pending: script.pending() });
      case 'POST /_control/script':
        return send(200, { queued: script.append(scriptBody.parse(JSON.parse(body)).replies) });
      case 'POST /_control/fail-next': {
        const { times, ...error } = failNextBody.parse(JSON.parse(body));
        return send(200, { queued: script.failNext(error, times ?? 1) });
      }
      case 'GET /_control/requests':
        return send(200, { requests: script.requests() });
      case 'POST /_control/reset':
        script.reset();
        return send(200, { status: 'reset' });
      default:
        return send(404, { error: `Cannot ${route}` });
    }
  } catch (error) {
    if (error instanceof z.ZodError || error instanceof SyntaxError) return send(400, { error: error.message });
    throw error;
  }
}

export function isControlRoute(request: IncomingMessage): boolean {
  return (request.url ?? '').startsWith('/_control/');
}
