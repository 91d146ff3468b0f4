// Runs the fake as a separate process on loopback, the way end-to-end tests and example scripts
// use it: spawns the compiled entry (dist/…/fake-openai/main.js), waits for its "listening" line,
// and scripts it through the control API. Build first: npx swc apps libs generated -d dist
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  const entry = options.entry ?? defaultEntry();
  if (!existsSync(entry)) {
    throw new Error(`fake openai entry not found at ${entry}; build it with: npx swc apps libs generated -d dist`);
  }
  const flags = [`--port=${options.port ?? 0}`, '--exit-on-stdin-end=true', ...(options.host ? [`--host=${options.host}`] : [])];
  const child = spawn(process.execPath, [entry, ...flags], { stdio: ['pipe', 'pipe', 'pipe'] });
  const ready = await waitForListening(child, options.startTimeoutMs ?? 20_000);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    url: ready.url,
    baseURL: ready.baseURL,
    port: ready.port,
    control: new FakeOpenAIControl(ready.url),
    stop: () =>
      (stopping ??= (async () => {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      })()),
  };
}

const ENTRY_IN_DIST = join('dist', 'libs', 'testing', 'src', 'fake-openai', 'main.js');

/** main.js beside this file when it runs from dist, else the nearest <ancestor>/dist/…/main.js. */
function defaultEntry(): string {
  const beside = join(__dirname, 'main.js');
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, ENTRY_IN_DIST))) return join(dir, ENTRY_IN_DIST);
  }
  return join(process.cwd(), ENTRY_IN_DIST);
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<ListeningLine> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (reason: string) =>
      settle(() => {
        child.kill('SIGKILL');
        reject(new Error(`fake openai did not start: ${reason}\n${stderr.slice(-2000)}`));
      });
    const timer = setTimeout(() => fail(`no "listening" line within ${timeoutMs} ms`), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!settled) stderr += chunk.toString('utf8');
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (settled) return;
      stdout += chunk.toString('utf8');
      for (const line of stdout.split('\n').slice(0, -1)) {
        const parsed = parseLine(line);
        if (parsed?.event === 'listening') return settle(() => resolve(parsed as ListeningLine));
      }
    });
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    child.once('error', (error) => fail(error.message));
  });
}

function parseLine(line: string): Partial<ListeningLine> | null {
  try {
    return JSON.parse(line) as Partial<ListeningLine>;
  } catch {
    return null;
  }
}
