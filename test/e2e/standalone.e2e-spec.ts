import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppProcess, createStack, runCli, Stack, TestEnv, waitFor } from '@memtrace/testing';

jest.setTimeout(60_000);

const KEY = /mtk_[A-Za-z0-9_-]{43}=/g;

describe('standalone process: first run, restart, and a tenant with a broken binding', () => {
  let stack: Stack;
  let env: TestEnv;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memtrace-standalone-'));
    stack = await createStack({ arc: false, env: { MEMTRACE_DATA_DIR: dir, MEMTRACE_BOOTSTRAP_KEY_FILE: join(dir, 'admin.key') } });
    env = stack.env;
  });

  afterAll(() => stack?.close());

  it('first start prints the admin key once on stdout, writes it 0600, and binds org_default to DuckDB', async () => {
    const app = await stack.spawn('standalone');
    try {
      const keys = app.stdout().match(KEY) ?? [];
      expect(keys).toHaveLength(1);
      expect(app.stdout()).toContain('FIRST RUN: save your admin API key (shown only once)');
      expect(app.stderr()).not.toMatch(KEY);
      const file = join(dir, 'admin.key');
      expect(readFileSync(file, 'utf8').trim()).toBe(keys[0]);
      expect(statSync(file).mode & 0o777).toBe(0o600);

      // Public: status and uptime only, no tenant named (upstream listed every org's store health).
      const health = (await (await fetch(`${app.url('gateway')}/health`)).json()) as { uptime: string };
      expect(health).toEqual({ status: 'ok', service: 'memtrace', uptime: expect.any(String) });
      expect(health.uptime).toMatch(/^\d+(\.\d+)?s$/);
      const binding = await (await fetch(`${app.url('admin')}/admin/v1/orgs/org_default/store`, { headers: { 'x-api-key': keys[0]! } })).json();
      expect(binding).toMatchObject({ kind: 'duckdb', url: join(dir, 'memtrace.duckdb'), measurement: 'events', token: '(empty)' });
    } finally {
      expect(await app.stop()).toBe(0);
    }
  });

  it('a restart prints no key, the first key still works, and reads see writes through the embedded store', async () => {
    const firstKey = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
    const app = await stack.spawn('standalone');
    try {
      expect(app.stdout()).not.toMatch(KEY);
      const verify = await fetch(`${app.url('gateway')}/api/v1/auth/verify`, { headers: { 'x-api-key': firstKey } });
      expect(await verify.json()).toMatchObject({ org_id: 'org_default', scopes: ['read', 'write', 'admin'] });

      // The query handlers share the worker's application, so one StoreRegistry owns the DuckDB file.
      const headers = { 'x-api-key': firstKey, 'content-type': 'application/json' };
      const write = await fetch(`${app.url('gateway')}/api/v1/memories`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ agent_id: 'standalone-bot', session_id: 'sess_standalone', content: 'read me back' }),
      });
      const { id } = (await write.json()) as { id: string };
      const read = await fetch(`${app.url('gateway')}/api/v1/memories/${id}`, { headers: { 'x-api-key': firstKey } });
      expect(await read.json()).toMatchObject({ id, content: 'read me back' });
      const context = await fetch(`${app.url('gateway')}/api/v1/sessions/sess_standalone/context`, { method: 'POST', headers: { 'x-api-key': firstKey } });
      expect(await context.json()).toMatchObject({ session_id: 'sess_standalone', memory_count: 1 });
    } finally {
      await app.stop();
    }
  });

  it('starts and stays ready when one tenant binding cannot be decrypted; only that tenant is unhealthy', async () => {
    const org = JSON.parse(runCli(['--json', 'org', 'create', 'broken-co'], env.env).stdout);
    expect(runCli(['org', 'add-arc', org.id, '--url', 'http://127.0.0.1:9', '--database', 'db', '--api-key', 'arc-token-1234'], env.env).code).toBe(0);
    const db = new Client({ connectionString: env.db.url });
    await db.connect();
    await db.query(`UPDATE store_bindings SET token_cipher = set_byte(token_cipher, 0, get_byte(token_cipher, 0) # 1) WHERE org_id = $1`, [org.id]);
    await db.end();

    const app: AppProcess = await stack.spawn('standalone');
    try {
      const ready = await fetch(`${app.url('gateway')}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
      // Per-tenant store health is for operators, behind the operator's admin key.
      const operatorKey = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
      const storesHealth = await fetch(`${app.url('admin')}/admin/v1/stores/health`, { headers: { 'x-api-key': operatorKey } });
      expect(await storesHealth.json()).toEqual({ arc: { org_default: true, [org.id]: false }, count: 2 });
      const tenantAdmin = JSON.parse(runCli(['--json', 'key', 'create', '--org', org.id, '--name', 'tenant-admin', '--permissions', 'admin'], env.env).stdout).key;
      const refused = await fetch(`${app.url('admin')}/admin/v1/stores/health`, { headers: { 'x-api-key': tenantAdmin } });
      expect(refused.status).toBe(403);
      expect(await fetch(`${app.url('admin')}/admin/v1/stores/health`).then((r) => r.status)).toBe(401);
      // The log is written asynchronously (pino), so it may reach the pipe after the response.
      await waitFor(async () => app.stderr().includes('store binding unavailable'), 5_000, 'the "store binding unavailable" log line');
      expect(app.stderr()).not.toContain('arc-token-1234');
    } finally {
      await app.stop();
    }
  });
});
