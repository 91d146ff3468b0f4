// Runs the double as a separate process on loopback, the way integration tests use Arc: spawns
// the compiled entry (dist/…/arc-double/main.js), waits for its "listening" line, and drives
// faults and stats through the control port. Build first: npx swc apps libs generated -d dist
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ArcDoubleHandle, ArcDoubleOptions } from './arc-double.types';
import { ControlClient } from './http/control.client';

export interface SpawnArcDoubleOptions extends ArcDoubleOptions {
  /** Path of the compiled main.js; found under <repo>/dist by default. */
  entry?: string;
  /** How long to wait for the "listening" line. Default 20 s. */
  startTimeoutMs?: number;
}

export interface ArcDoubleProcess extends ArcDoubleHandle {
  readonly pid: number;
}

interface ListeningLine {
  event: 'listening';
  port: number;
  controlPort: number;
  url: string;
  controlUrl: string;
}

export async function spawnArcDouble(options: SpawnArcDoubleOptions = {}): Promise<ArcDoubleProcess> {
  const entry = options.entry ?? defaultEntry();
  if (!existsSync(entry)) {
    throw new Error(`arc double entry not found at ${entry}; build it with: npx swc apps libs generated -d dist`);
  }
  const child = spawn(process.execPath, [entry, ...toFlags(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const ready = await waitForListening(child, options.startTimeoutMs ?? 20_000);
  const control = new ControlClient(ready.controlUrl);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    url: ready.url,
    controlUrl: ready.controlUrl,
    port: ready.port,
    controlPort: ready.controlPort,
    setFaults: (faults) => control.setFaults(faults),
    stats: () => control.stats(),
    flush: () => control.flush(),
    reset: () => control.reset(),
    stop: () =>
      (stopping ??= (async () => {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      })()),
  };
}

const ENTRY_IN_DIST = join('dist', 'libs', 'testing', 'src', 'arc-double', 'main.js');

/** main.js beside this file when it runs from dist, else the nearest <ancestor>/dist/…/main.js. */
function defaultEntry(): string {
  const beside = join(__dirname, 'main.js');
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, ENTRY_IN_DIST))) return join(dir, ENTRY_IN_DIST);
  }
  return join(process.cwd(), ENTRY_IN_DIST);
}

function toFlags(options: SpawnArcDoubleOptions): string[] {
  const flags: Array<[string, string | number | boolean | undefined]> = [
    ['port', options.port ?? 0],
    ['control-port', options.controlPort ?? 0],
    ['host', options.host],
    ['max-buffer-age-ms', options.maxBufferAgeMs],
    ['max-buffer-size', options.maxBufferSize],
    ['max-payload-bytes', options.maxPayloadBytes],
    ['delete-enabled', options.deleteEnabled],
    ['log-level', options.logLevel],
    ['tokens', options.auth ? JSON.stringify(options.auth) : undefined],
    ['exit-on-stdin-end', true],
  ];
  return flags.flatMap(([name, value]) => (value === undefined ? [] : [`--${name}=${String(value)}`]));
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
        reject(new Error(`arc double did not start: ${reason}\n${stderr.slice(-2000)}`));
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
