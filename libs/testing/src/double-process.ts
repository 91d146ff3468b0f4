// Runs a test double (the Arc double, the fake OpenAI and Anthropic APIs) as a separate process on
// loopback, the way end-to-end tests and example scripts use it: spawns its compiled entry under
// dist/, waits for the JSON "listening" line it prints on stdout, and stops it on demand.
// Build first: npx swc apps libs generated -d dist (or node scripts/setup.js build).
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface DoubleProcess<Ready> {
  readonly pid: number;
  /** The parsed "listening" line. */
  readonly ready: Ready;
  stop(): Promise<void>;
}

export interface SpawnDoubleOptions {
  /** Shown in errors, e.g. "arc double". */
  name: string;
  /** The entry's folder below libs/testing/src, e.g. "arc-double". */
  folder: string;
  /** Path of the compiled main.js; found under <repo>/dist by default. */
  entry?: string;
  flags: Array<[string, string | number | boolean | undefined]>;
  /** How long to wait for the "listening" line. Default 20 s. */
  startTimeoutMs?: number;
  /** Extra environment, for secrets that must not show in `ps` as flags would. */
  env?: Record<string, string>;
}

export async function spawnDouble<Ready extends { event: 'listening' }>(options: SpawnDoubleOptions): Promise<DoubleProcess<Ready>> {
  const entry = options.entry ?? entryInDist(options.folder);
  if (!existsSync(entry)) {
    throw new Error(`${options.name} entry not found at ${entry}; build it with: npx swc apps libs generated -d dist`);
  }
  // The double exits when our end of its stdin closes, so a crashed test run leaves no orphan.
  const flags = [...options.flags, ['exit-on-stdin-end', true] as const].flatMap(([flag, value]) =>
    value === undefined ? [] : [`--${flag}=${String(value)}`],
  );
  const child = spawn(process.execPath, [entry, ...flags], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const ready = await waitForListening<Ready>(child, options.name, options.startTimeoutMs ?? 20_000);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    ready,
    stop: () =>
      (stopping ??= (async () => {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      })()),
  };
}

/** main.js of the folder beside this file when it runs from dist, else under the nearest <ancestor>/dist. */
function entryInDist(folder: string): string {
  const beside = join(__dirname, folder, 'main.js');
  if (existsSync(beside)) return beside;
  const relative = join('dist', 'libs', 'testing', 'src', folder, 'main.js');
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
  }
  return join(process.cwd(), relative);
}

function waitForListening<Ready extends { event: 'listening' }>(child: ChildProcess, name: string, timeoutMs: number): Promise<Ready> {
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
        reject(new Error(`${name} did not start: ${reason}\n${stderr.slice(-2000)}`));
      });
    const timer = setTimeout(() => fail(`no "listening" line within ${timeoutMs} ms`), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      // Kept only until startup settles, for the error message.
      if (!settled) stderr += chunk.toString('utf8');
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (settled) return;
      stdout += chunk.toString('utf8');
      for (const line of stdout.split('\n').slice(0, -1)) {
        const parsed = parseLine(line);
        if (parsed?.event === 'listening') return settle(() => resolve(parsed as Ready));
      }
    });
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    child.once('error', (error) => fail(error.message));
  });
}

function parseLine(line: string): { event?: unknown } | null {
  try {
    return JSON.parse(line) as { event?: unknown };
  } catch {
    return null;
  }
}
