// Public face of the fake OpenAI server.
export { startFakeOpenAI } from './fake-openai.server';
export type { FakeOpenAIHandle } from './fake-openai.server';
export { spawnFakeOpenAI } from './fake-openai.process';
export type { FakeOpenAIProcess, SpawnFakeOpenAIOptions } from './fake-openai.process';
export { FakeOpenAIControl } from './fake-openai.control';
export type { FakeOpenAIError, FakeOpenAIOptions, FakeOpenAIReply, FakeOpenAIToolCall, FakeOpenAIRequest } from './fake-openai.types';
