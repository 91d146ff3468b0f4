// Runs the fake as a separate process on loopback, the way end-to-end tests and example scripts use
// it, scripted through the control API. Build first: npx swc apps libs generated -d dist
import { spawnDouble } from '../double-process';
import { FakeOpenAIControl } from './fake-openai.control';
import type { FakeOpenAIHandle } from './fake-openai.server';
import type { FakeOpenAIOptions } from './fake-openai.types';

export interface SpawnFakeOpenAIOptions extends FakeOpenAIOptions {
  /** Path of the compiled main.js; found under <repo>/dist by default. */
  entry?: string;
  /** How long to wait for the "listening" line. Default 20 s. */
  startTimeoutMs?: number;
}

export interface FakeOpenAIProcess extends FakeOpenAIHandle {
  readonly pid: number;
}

interface ListeningLine {
  event: 'listening';
  port: number;
  url: string;
  baseURL: string;
}

export async function spawnFakeOpenAI(options: SpawnFakeOpenAIOptions = {}): Promise<FakeOpenAIProcess> {
  const double = await spawnDouble<ListeningLine>({
    name: 'fake openai',
    folder: 'fake-openai',
    entry: options.entry,
    flags: [
      ['port', options.port ?? 0],
      ['host', options.host],
    ],
    startTimeoutMs: options.startTimeoutMs,
  });
  const { ready } = double;
  return {
    pid: double.pid,
    url: ready.url,
    baseURL: ready.baseURL,
    port: ready.port,
    control: new FakeOpenAIControl(ready.url),
    stop: () => double.stop(),
  };
}
