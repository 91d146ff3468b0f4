// Runs the fake as a separate process on loopback, scripted through the control API. Build first:
// node scripts/setup.js build
import { spawnDouble } from '../double-process';
import { FakeAnthropicControl } from './control.client';
import type { FakeAnthropicHandle } from './fake-anthropic.server';
import type { FakeAnthropicOptions } from './fake-anthropic.types';

export interface SpawnFakeAnthropicOptions extends FakeAnthropicOptions {
  /** Path of the compiled main.js; found under <repo>/dist by default. */
  entry?: string;
  /** How long to wait for the "listening" line. Default 20 s. */
  startTimeoutMs?: number;
}

export interface FakeAnthropicProcess extends FakeAnthropicHandle {
  readonly pid: number;
}

interface ListeningLine {
  event: 'listening';
  port: number;
  url: string;
}

export async function spawnFakeAnthropic(options: SpawnFakeAnthropicOptions = {}): Promise<FakeAnthropicProcess> {
  const double = await spawnDouble<ListeningLine>({
    name: 'fake anthropic',
    folder: 'fake-anthropic',
    entry: options.entry,
    flags: [
      ['port', options.port ?? 0],
      ['host', options.host],
    ],
    startTimeoutMs: options.startTimeoutMs,
    // The key goes through the environment, not argv, so it does not show in `ps`.
    env: options.apiKey ? { FAKE_ANTHROPIC_API_KEY: options.apiKey } : undefined,
  });
  const { ready } = double;
  return {
    pid: double.pid,
    url: ready.url,
    port: ready.port,
    control: new FakeAnthropicControl(ready.url),
    stop: () => double.stop(),
  };
}
