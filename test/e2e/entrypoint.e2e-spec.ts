import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createStack, freePort, REPO_ROOT, serverUrl, Stack, TestEnv } from '@memtrace/testing';
import { sql } from './admin-fixtures';

// The image's entry point, run the way the image runs it but without Docker: every command of
// docker/entrypoint.sh against the real build (dist/, made by `npm test`'s setup step).
jest.setTimeout(120_000);

const ENTRYPOINT = join(REPO_ROOT, 'docker', 'entrypoint.sh');

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `sh docker/entrypoint.sh …` to completion (from the repo root unless `cwd` says otherwise). */
function entrypoint(args: string[], env: Record<string, string> = {}, options: { cwd?: string; script?: string } = {}): Promise<Finished> {
  const child = spawn('sh', [options.script ?? 'docker/entrypoint.sh', ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child);
}

function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

interface Server {
  /** Port of each `listening` log line, by its `app` field (`metrics` for the metrics port). */
  ports: Record<string, number>;
  stderr(): string;
  /** SIGTERM; resolves with how the process ended. */
  stop(): Promise<Finished>;
}

/**
 * Starts a server command through the entry point and resolves once every app in `apps` has logged
 * `listening` (as `spawnApp` of libs/testing does for `node dist/apps/<app>/src/main.js`).
 */
async function startServer(command: string, apps: string[], env: Record<string, string>): Promise<Server> {
  const child = spawn('sh', [ENTRYPOINT, command], { cwd: tmpdir(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ended = finished(child);
  let stderr = '';
  const ports: Record<string, number> = {};
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not log listening in time:\n${stderr}`)), 60_000);
    void ended.then((result) => reject(new Error(`${command} exited (${result.code ?? result.signal}) before listening:\n${result.stdout}\n${result.stderr}`)));
    let partial = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.includes('"listening"'))) {
        const entry = JSON.parse(line) as { app: string; port: number };
        ports[entry.app] = entry.port;
      }
      if (apps.every((app) => ports[app])) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    ports,
    stderr: () => stderr,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return ended;
    },
  };
}

const get = (port: number, path: string) => fetch(`http://127.0.0.1:${port}${path}`);

describe('docker/entrypoint.sh', () => {
  describe('arguments', () => {
    it('without a command prints the usage on stderr and exits 64', async () => {
      const result = await entrypoint([]);
      expect(result.code).toBe(64);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('usage: entrypoint.sh <command>');
      for (const command of ['gateway', 'admin', 'ingest-worker', 'query', 'standalone', 'migrate', 'cli', 'healthcheck']) {
        expect(result.stderr).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
      }
    });

    it('an unknown command is named, then the usage, exit 64', async () => {
      const result = await entrypoint(['serve-everything']);
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(/^entrypoint: unknown command: serve-everything\nusage: entrypoint\.sh/);
    });

    it('a server command refuses arguments instead of ignoring them (exit 64)', async () => {
      const result = await entrypoint(['gateway', '--port', '80']);
      expect(result.code).toBe(64);
      expect(result.stderr).toContain('gateway takes no arguments');
    });
  });

  describe('cli', () => {
    let stack: Stack;
    let env: TestEnv;
    beforeAll(async () => {
      stack = await createStack({ arc: false });
      env = stack.env;
    });
    afterAll(() => stack?.close());

    it('cli --help prints the CLI help on stdout', async () => {
      const result = await entrypoint(['cli', '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: memtrace \[options\] \[command\]/);
      expect(result.stdout).toContain('org');
    });

    it('cli org list --json reads the database it is given, before and after an org is created', async () => {
      const before = await entrypoint(['cli', 'org', 'list', '--json'], env.env);
      expect(before.code).toBe(0);
      expect(JSON.parse(before.stdout)).toEqual({ orgs: [], count: 0 });
      const created = await entrypoint(['cli', 'org', 'create', 'entrypoint-co', '--json'], env.env);
      expect(created.code).toBe(0);
      const { id } = JSON.parse(created.stdout) as { id: string };
      const after = await entrypoint(['cli', 'org', 'list', '--json'], env.env);
      expect(JSON.parse(after.stdout)).toMatchObject({ orgs: [{ id, name: 'entrypoint-co' }], count: 1 });
    });

    it('runs from MEMTRACE_HOME when the script is not inside it, whatever the working directory', async () => {
      const elsewhere = mkdtempSync(join(tmpdir(), 'memtrace-entrypoint-'));
      try {
        const script = join(elsewhere, 'entrypoint.sh');
        copyFileSync(ENTRYPOINT, script);
        const without = await entrypoint(['cli', '--help'], {}, { cwd: elsewhere, script });
        expect(without.code).toBe(1);
        expect(without.stderr).toContain('no build in');
        const withHome = await entrypoint(['cli', '--help'], { MEMTRACE_HOME: REPO_ROOT }, { cwd: elsewhere, script });
        expect(withHome.code).toBe(0);
        expect(withHome.stdout).toMatch(/^Usage: memtrace/);
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    });
  });

  describe('migrate', () => {
    const name = `memtrace_ep_${randomBytes(6).toString('hex')}`;
    const admin = async (text: string) => {
      const client = new Client({ connectionString: serverUrl('postgres') });
      await client.connect();
      await client.query(text).finally(() => client.end());
    };
    beforeAll(() => admin(`CREATE DATABASE "${name}"`));
    afterAll(() => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

    it('applies every migration of prisma/migrations to an empty database, and a second run has nothing to do', async () => {
      const migrations = readdirSync(join(REPO_ROOT, 'prisma', 'migrations')).filter((entry) =>
        statSync(join(REPO_ROOT, 'prisma', 'migrations', entry)).isDirectory(),
      );
      expect(migrations.length).toBeGreaterThan(0);

      const first = await entrypoint(['migrate'], { DATABASE_URL: serverUrl(name) });
      expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      expect(first.stdout).toContain('All migrations have been successfully applied.');
      const rows = await sql<{ migration_name: string; done: boolean }>(
        serverUrl(name),
        'SELECT migration_name, finished_at IS NOT NULL AND rolled_back_at IS NULL AS done FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows).toEqual(migrations.sort().map((migration_name) => ({ migration_name, done: true })));
      // The schema is there: the control-plane tables the apps read.
      expect(await sql(serverUrl(name), 'SELECT count(*)::int AS n FROM organizations')).toEqual([{ n: 0 }]);

      const second = await entrypoint(['migrate'], { DATABASE_URL: serverUrl(name) });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('No pending migrations to apply.');
    });

    it('refuses to run without DATABASE_URL (the Prisma config would otherwise fall back to a local database)', async () => {
      const result = await entrypoint(['migrate'], { DATABASE_URL: '' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('migrate: set DATABASE_URL');
    });
  });

  describe('servers: start, answer on their health endpoint, pass `healthcheck`, exit 0 on SIGTERM', () => {
    let stack: Stack;
    let env: TestEnv;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'memtrace-entrypoint-data-'));
      // Logs at info: the `listening` lines are what the test synchronises on.
      stack = await createStack({ arc: false, env: { MEMTRACE_LOG_LEVEL: 'info', MEMTRACE_DATA_DIR: dataDir } });
      env = stack.env;
    });
    afterAll(async () => {
      await stack?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** The variable holding each command's probed port: fixed (not 0) so `healthcheck` can find it. */
    const cases: Array<{ command: string; portVar: string; apps: string[]; health: (ports: Record<string, number>) => Promise<Response> }> = [
      { command: 'gateway', portVar: 'MEMTRACE_SERVER_PORT', apps: ['gateway', 'metrics'], health: (p) => get(p.gateway, '/health') },
      { command: 'admin', portVar: 'MEMTRACE_ADMIN_PORT', apps: ['admin', 'metrics'], health: (p) => get(p.admin, '/health') },
      { command: 'ingest-worker', portVar: 'MEMTRACE_WORKER_PORT', apps: ['ingest-worker', 'metrics'], health: (p) => get(p['ingest-worker'], '/health') },
      // No HTTP API port: its probes use the metrics port's /health, and `healthcheck` connects to the RPC port.
      { command: 'query', portVar: 'MEMTRACE_QUERY_PORT', apps: ['query', 'metrics'], health: (p) => get(p.metrics, '/health') },
      {
        command: 'standalone',
        portVar: 'MEMTRACE_SERVER_PORT',
        apps: ['gateway', 'admin', 'ingest-worker', 'query', 'metrics'],
        health: (p) => get(p.gateway, '/health'),
      },
    ];

    it.each(cases)('$command', async ({ command, portVar, apps, health }) => {
      const processEnv = { ...env.env, [portVar]: String(await freePort()) };
      const server = await startServer(command, apps, processEnv);
      let stopped: Finished | undefined;
      try {
        expect(server.ports[apps[0]]).toBe(Number(processEnv[portVar]));
        const answer = await health(server.ports);
        expect(answer.status).toBe(200);
        // The HTTP apps' documented body; the metrics port's /health promises only the status.
        if (command !== 'query') expect(await answer.json()).toMatchObject({ status: 'ok' });

        const probe = await entrypoint(['healthcheck', command], processEnv);
        expect({ code: probe.code, stderr: probe.stderr }).toEqual({ code: 0, stderr: '' });

        stopped = await server.stop();
        expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 0, signal: null });
        // Once it is gone, the same probe fails: the check is not a constant.
        const after = await entrypoint(['healthcheck', command], processEnv);
        expect(after.code).toBe(1);
        expect(after.stderr).toContain(`healthcheck ${command}:`);
      } finally {
        if (!stopped) await server.stop();
      }
    });
  });
});
