// Public shapes of the fake OpenAI server: the replies a test scripts, the requests it records,
// its options. Free of runtime imports so the server, the spawn helper and the control client can
// share them. Request bodies carry the openai package's own param types: the real clients send them.
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';

export interface FakeOpenAIToolCall {
  name: string;
  /** An object is sent JSON-encoded; a string is sent verbatim (e.g. to test malformed JSON). */
  arguments: Record<string, unknown> | string;
  /** The call id the model "chose" (`call_id` / `tool_calls[].id`). Generated when absent. */
  id?: string;
}

export interface FakeOpenAIError {
  /** HTTP status, 400–599. */
  status: number;
  /** Defaults: 'server_error' (5xx), 'invalid_request_error' (4xx). */
  type?: string;
  message?: string;
  code?: string | null;
}

/**
 * One scripted model turn, consumed by the next model request whichever endpoint it hits.
 * An error reply answers exactly one HTTP request: the openai client retries 408/409/429/5xx
 * twice by default, so a test of the error path sets `maxRetries: 0` or scripts one per attempt.
 */
export type FakeOpenAIReply = { text: string } | { toolCalls: FakeOpenAIToolCall[] } | { error: FakeOpenAIError };

export type FakeOpenAIRequest =
  | { endpoint: 'chat.completions'; body: ChatCompletionCreateParams }
  | { endpoint: 'responses'; body: ResponseCreateParams };

/** A turn after resolving the script: what the encoders put on the wire. */
export interface AssistantTurn {
  /** null when the turn is only tool calls. */
  text: string | null;
  toolCalls: Array<{ callId: string; name: string; arguments: string }>;
}

/** Per-request values shared by the chat and responses encoders. */
export interface TurnMeta {
  /** 1-based number of the model request since start or reset; makes every id deterministic. */
  seq: number;
  model: string;
  /** Unix seconds. */
  created: number;
  inputTokens: number;
  outputTokens: number;
}

export interface FakeOpenAIOptions {
  /** 0 (default) picks a free port; the handle reports the real one. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
}
