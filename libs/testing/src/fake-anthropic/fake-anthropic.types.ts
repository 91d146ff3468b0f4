// Types of the fake Anthropic Messages API: what a test scripts and what it reads back.
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';

/** Anthropic's `error.type` values (https://docs.anthropic.com/en/api/errors). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

export interface FakeAnthropicToolCall {
  /** Must be one of the request's `tools`, as a real model can only call those. */
  name: string;
  input?: Record<string, unknown>;
  /** Default `toolu_fake_<n>`. */
  id?: string;
}

export interface FakeAnthropicError {
  status: number;
  /** Default: Anthropic's type for the status (400 invalid_request_error, 529 overloaded_error…). */
  type?: AnthropicErrorType;
  message?: string;
}

/**
 * One reply of the model, taken in order by each `POST /v1/messages`:
 * - `{ text }`: a text answer, `stop_reason: 'end_turn'`;
 * - `{ toolUse: [...] , text? }`: optional text, then one `tool_use` block per call, `stop_reason: 'tool_use'`;
 * - `{ error }`: an HTTP error with Anthropic's envelope instead of a message.
 */
export type FakeAnthropicReply = { text: string } | { toolUse: FakeAnthropicToolCall[]; text?: string } | { error: FakeAnthropicError };

/** One `POST /v1/messages` the fake received, whatever it answered. */
export interface FakeAnthropicRequest {
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The API key sent, from `x-api-key` or `Authorization: Bearer` (the header @anthropic-ai/sdk 1.x uses). */
  apiKey: string | null;
  /** The JSON body as sent; `null` when it was not JSON. */
  body: MessageCreateParams | null;
  /** The HTTP status the fake answered with. */
  status: number;
}

export interface FakeAnthropicOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, only this API key is accepted; by default any non-empty key is. */
  apiKey?: string;
}
