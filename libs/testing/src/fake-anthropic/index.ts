// Public face of the fake Anthropic Messages API.
export { startFakeAnthropic } from './fake-anthropic.server';
export type { FakeAnthropicHandle } from './fake-anthropic.server';
export { spawnFakeAnthropic } from './fake-anthropic.process';
export type { FakeAnthropicProcess, SpawnFakeAnthropicOptions } from './fake-anthropic.process';
export { FakeAnthropicControl } from './control.client';
export type {
  AnthropicErrorType,
  FakeAnthropicOptions,
  FakeAnthropicRequest,
  FakeAnthropicError,
  FakeAnthropicReply,
  FakeAnthropicToolCall,
} from './fake-anthropic.types';
