import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export type AppName = 'gateway' | 'admin' | 'standalone' | 'ingest-worker' | 'query';

export interface AppProcess {
  child: ChildProcess;
  /** Port of each HTTP app the process serves, from its `listening` log lines. */
  ports: Record<string, number>;
  url(app?: string): string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts a real app process from the build (`dist/`, made by `npm test`'s setup step) and waits
 * until each of its apps logs `listening` (the query service logs its TCP port).
 */
export async function spawnApp(app: AppName, env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<AppProcess> {
  const expected = app === 'standalone' ? ['gateway', 'admin', 'ingest-worker', 'query'] : [app];
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, MEMTRACE_LOG_LEVEL: env.MEMTRACE_LOG_LEVEL === 'silent' ? 'info' : (env.MEMTRACE_LOG_LEVEL ?? 'info') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const ports: Record<string, number> = {};
  child.stdout!.on('data', (chunk) => (out += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not start in time:\n${err}`)), options.timeoutMs ?? 20_000);
    child.on('exit', (code) => reject(new Error(`${app} exited with ${code} before listening:\n${out}\n${err}`)));
    let partial = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk;
      // A log line may arrive split across chunks: only parse complete lines.
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"listening"')) continue;
        const entry = JSON.parse(line) as { app: string; port: number };
        ports[entry.app] = entry.port;
      }
      if (expected.every((name) => ports[name])) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    child,
    ports,
    url: (name = expected[0]) => `http://127.0.0.1:${ports[name]}`,
    stdout: () => out,
    stderr: () => err,
    stop: (graceMs = 10_000) =>
      new Promise((resolve) => {
        // A process killed by a signal has exitCode null but a signalCode: it is gone all the same.
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', (code) => (clearTimeout(kill), resolve(code)));
        child.kill('SIGTERM');
      }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the `memtrace` CLI as a subprocess, exactly as an operator would. */
export function runCli(args: string[], env: Record<string, string>): CliResult {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'memtrace.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
