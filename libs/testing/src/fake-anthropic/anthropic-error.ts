// Anthropic's error envelope: {"type":"error","error":{"type":…,"message":…},"request_id":…}.
import type { AnthropicErrorType, FakeAnthropicError } from './fake-anthropic.types';

export interface AnthropicErrorReply {
  status: number;
  body: { type: 'error'; error: { type: AnthropicErrorType; message: string }; request_id: string };
}

const TYPE_BY_STATUS: Record<number, AnthropicErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGE: Record<AnthropicErrorType, string> = {
  invalid_request_error: 'There was an issue with the format or content of your request.',
  authentication_error: 'There is an issue with your API key.',
  billing_error: 'There is an issue with your billing or payment information.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource was not found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Your account has hit a rate limit.',
  timeout_error: 'The request timed out while processing.',
  api_error: 'An unexpected error has occurred internal to our systems.',
  overloaded_error: 'Overloaded',
};

export function anthropicError(error: FakeAnthropicError, requestId: string): AnthropicErrorReply {
  const type = error.type ?? TYPE_BY_STATUS[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
  return { status: error.status, body: { type: 'error', error: { type, message: error.message ?? DEFAULT_MESSAGE[type] }, request_id: requestId } };
}
