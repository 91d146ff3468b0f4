import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEAD_LETTER_QUEUE, ingestBullPrefix } from '@memtrace/ingest';
import { AppProcess, createStack, httpRequest, runCli, Stack, TestEnv, waitFor } from '@memtrace/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bootstrapKeyFrom, controlPlaneSnapshot, sql } from './admin-fixtures';

jest.setTimeout(120_000);

/**
 * Store bindings as an attack surface (issue 10, item 4), over HTTP against real processes: a tenant
 * admin cannot point its store at the operator's network, what a store answers never reaches the
 * tenant, and a store that refuses writes gets them dead-lettered instead of retried forever.
 */

/** Not Arc: an HTTP server answering every request with one status and Express's 404 page. */
class UpstreamDouble {
  readonly writes: string[] = [];
  private server?: Server;
  url = '';

  constructor(
    private status: number,
    private readonly body = (method: string, path: string) => `<!DOCTYPE html><pre>Cannot ${method} ${path}</pre>`,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/api/v1/write/msgpack') this.writes.push(String(req.headers.authorization));
        res.writeHead(this.status, { 'content-type': 'text/html' }).end(this.body(req.method ?? '', req.url ?? ''));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  answer(status: number): void {
    this.status = status;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const STORE_TOKEN = 'arc-token-must-never-show-0123456789';

describe('store bindings: URL policy, upstream replies, refused writes', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: AppProcess;
  let gateway: AppProcess;
  let worker: AppProcess;
  let query: AppProcess;
  let operatorKey: string;
  const refusing = new UpstreamDouble(404);
  const failing = new UpstreamDouble(503, () => 'upstream maintenance page');

  const call = (method: string, path: string, key: string, json?: unknown) => httpRequest(admin, method, `/admin/v1${path}`, { key, json });

  async function newOrg(name: string): Promise<{ id: string; admin: string; writer: string }> {
    const org = await call('POST', '/orgs', operatorKey, { name: `${name}-${Date.now()}` });
    expect(org.status).toBe(201);
    const keyOf = async (scopes: string[]) => (await call('POST', `/orgs/${org.body.id}/keys`, operatorKey, { name: scopes.join('-'), scopes })).body.key as string;
    return { id: org.body.id, admin: await keyOf(['admin']), writer: await keyOf(['read', 'write']) };
  }

  const api = (method: string, path: string, key: string, body?: unknown) => httpRequest(gateway, method, path, { key, json: body });

  /** The dead-letter queue's jobs for one org. */
  async function deadLetters(orgId: string): Promise<Array<{ kind: string; reason: string }>> {
    const connection = new Redis(env.env.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(DEAD_LETTER_QUEUE, { connection, prefix: ingestBullPrefix(env.env.MEMTRACE_REDIS_PREFIX) });
    try {
      const jobs = await queue.getJobs(['wait', 'active', 'completed', 'failed', 'delayed']);
      return jobs.filter((j) => j.data.orgId === orgId).map((j) => ({ kind: j.data.kind, reason: j.data.reason }));
    } finally {
      await queue.close();
      await connection.quit();
    }
  }

  beforeAll(async () => {
    await Promise.all([refusing.start(), failing.start()]);
    stack = await createStack({
      arc: false,
      env: {
        MEMTRACE_STORE_URL_ALLOW: '10.20.0.0/16,arc.internal',
        MEMTRACE_INGEST_BATCH_MS: '20',
        MEMTRACE_RETRY_MAX_DELAY_MS: '200',
        MEMTRACE_STORE_TIMEOUT_MS: '3000',
        MEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS: '2000',
      },
    });
    env = stack.env;
    admin = await stack.spawn('admin');
    operatorKey = bootstrapKeyFrom(admin);
    query = await stack.spawn('query');
    gateway = await stack.spawn('gateway');
    worker = await stack.spawn('ingest-worker');
  });

  afterAll(async () => {
    await stack?.close();
    await Promise.all([refusing.stop(), failing.stop()]);
  });

  describe('the store URL policy', () => {
    let tenant: { id: string; admin: string; writer: string };
    beforeAll(async () => {
      tenant = await newOrg('policy');
    });

    it("refuses a tenant admin's non-public store URL with a 400 naming the setting, and stores nothing", async () => {
      const targets = [
        admin.url(), // the admin port itself, on loopback
        `http://localhost:${new URL(gateway.url()).port}`,
        'http://169.254.169.254/latest/meta-data/',
        'http://[::ffff:127.0.0.1]:9101/',
        'http://2130706433:9100/',
        'http://0x7f.1/',
        'http://0/',
        'http://10.0.0.5:8000',
        'http://100.64.0.1',
        'http://[fd00::1]:8000/',
        'http://[fe80::1]/',
        'http://arc.nonexistent.invalid:8000', // resolves to nothing
      ];
      const before = await controlPlaneSnapshot(env.env.DATABASE_URL);
      for (const url of targets) {
        const result = await call('PUT', `/orgs/${tenant.id}/store`, tenant.admin, { url, database: 'mem' });
        expect({ url, status: result.status }).toEqual({ url, status: 400 });
        expect(result.body.error).toMatch(/^store url refused: /);
        expect(result.body.hint).toContain('MEMTRACE_STORE_URL_ALLOW');
      }
      expect(await controlPlaneSnapshot(env.env.DATABASE_URL)).toEqual(before);
      expect((await call('GET', `/orgs/${tenant.id}/store`, tenant.admin)).status).toBe(404);
      // Every refusal is in the tenant's audit trail, as a failed binding change.
      const audit = await call('GET', '/audit?limit=100', tenant.admin);
      const refused = audit.body.events.filter((e: { action: string; outcome: string }) => e.action === 'store-binding.set' && e.outcome === 'failed');
      expect(refused).toHaveLength(targets.length);
    });

    it("lets a tenant bind what the operator's MEMTRACE_STORE_URL_ALLOW names (a range, a host)", async () => {
      for (const url of ['http://10.20.3.4:8000', 'http://arc.internal:8000']) {
        const result = await call('PUT', `/orgs/${tenant.id}/store`, tenant.admin, { url, database: 'mem' });
        expect({ url, status: result.status }).toEqual({ url, status: 200 });
        expect((await call('GET', `/orgs/${tenant.id}/store`, tenant.admin)).body.url).toBe(url);
      }
      expect((await call('PUT', `/orgs/${tenant.id}/store`, tenant.admin, { url: 'http://10.21.0.1', database: 'mem' })).status).toBe(400);
    });

    it('does not restrict the operator: its admin key and the CLI bind loopback', async () => {
      const byKey = await call('PUT', `/orgs/${tenant.id}/store`, operatorKey, { url: 'http://127.0.0.1:8000', database: 'mem' });
      expect(byKey.status).toBe(200);
      const cli = runCli(['--json', 'org', 'add-arc', tenant.id, '--url', 'http://[::1]:8000', '--database', 'mem', '--replace'], env.env);
      expect(cli.code).toBe(0);
      expect((await call('GET', `/orgs/${tenant.id}/store`, operatorKey)).body.url).toBe('http://[::1]:8000');
    });

    it('refuses credentials in the URL for everyone (fetch cannot send them; the URL is stored in clear)', async () => {
      for (const key of [tenant.admin, operatorKey]) {
        const result = await call('PUT', `/orgs/${tenant.id}/store`, key, { url: 'http://user:secret@93.184.215.14:8000', database: 'mem' });
        expect(result.status).toBe(400);
        expect(result.body.error).toMatch(/must not carry credentials/);
      }
    });
  });

  describe('a store that is not Arc (404 to everything)', () => {
    let tenant: { id: string; admin: string; writer: string };
    beforeAll(async () => {
      tenant = await newOrg('refusing');
      // Bound by the operator, the only one allowed a loopback URL; the tenant then uses it.
      expect((await call('PUT', `/orgs/${tenant.id}/store`, operatorKey, { url: refusing.url, database: 'mem', token: STORE_TOKEN })).status).toBe(200);
    });

    it("answers the tenant's reads 503 with a generic hint, never the store's reply text", async () => {
      const replies = [
        await api('GET', '/api/v1/memories?limit=5', tenant.writer),
        await api('POST', '/api/v1/search', tenant.writer, { limit: 5 }),
      ];
      for (const reply of replies) {
        expect(reply.status).toBe(503);
        expect(reply.body).toMatchObject({ code: 'store_unavailable', hint: expect.stringContaining("the organisation's store answered HTTP 404") });
        expect(reply.body.hint).toContain('an operator can see the details in the logs');
        expect(reply.text).not.toMatch(/Cannot POST|api\/v1\/query|DOCTYPE|127\.0\.0\.1/);
        expect(reply.text).not.toContain(STORE_TOKEN);
      }
      // The operator can: it is in the query service's log, without the token.
      await waitFor(() => query.stderr().includes('Cannot POST /api/v1/query'), 15_000, "the query service's log of the refused store query");
      expect(query.stderr()).not.toContain(STORE_TOKEN);
    });

    it('answers 400 without the reply text when the store calls the query invalid', async () => {
      refusing.answer(400);
      try {
        const reply = await api('GET', '/api/v1/memories?limit=5', tenant.writer);
        expect(reply.status).toBe(400);
        expect(reply.text).toContain('answered HTTP 400');
        expect(reply.text).not.toMatch(/Cannot POST|DOCTYPE/);
      } finally {
        refusing.answer(404);
      }
    });

    it('dead-letters a write after 5 refused attempts, with a metric and an audit event the tenant can read', async () => {
      const written = await api('POST', '/api/v1/memories', tenant.writer, { agent_id: 'bot', content: 'to a store that refuses' });
      expect(written.status).toBe(201);

      await waitFor(async () => (await deadLetters(tenant.id)).length > 0, 30_000, "a dead letter of the tenant's refused write");
      const parked = await deadLetters(tenant.id);
      expect(parked).toEqual([{ kind: 'store-refused', reason: expect.stringContaining('refused 5 writes') }]);
      expect(parked[0].reason).not.toContain(STORE_TOKEN);
      expect(refusing.writes).toEqual(Array(5).fill(`Bearer ${STORE_TOKEN}`));

      const metrics = await (await fetch(`${worker.url('metrics')}/metrics`)).text();
      expect(metrics).toContain(`memtrace_ingest_dead_letters_total{org="${tenant.id}",reason="store-refused"} 1`);

      const audit = await call('GET', '/audit?limit=100', tenant.admin);
      const event = audit.body.events.find((e: { action: string }) => e.action === 'store-binding.writes-refused');
      expect(event).toMatchObject({ actor: 'ingest-worker', org_id: tenant.id, outcome: 'failed', detail: { status: 404, rows: 1, jobs: 1, attempts: 5 } });
      expect(audit.text).not.toMatch(/Cannot POST|DOCTYPE/);
      // Given up on means given up on: no more requests to wherever the binding points.
      expect(refusing.writes).toHaveLength(5);
    });
  });

  describe('a store that is down (503)', () => {
    it('keeps retrying a write well past 5 attempts and dead-letters nothing', async () => {
      const tenant = await newOrg('failing');
      expect((await call('PUT', `/orgs/${tenant.id}/store`, operatorKey, { url: failing.url, database: 'mem' })).status).toBe(200);
      const written = await api('POST', '/api/v1/memories', tenant.writer, { agent_id: 'bot', content: 'to a store that is down' });
      expect(written.status).toBe(201);
      await waitFor(() => failing.writes.length >= 15, 60_000, '15 writes to the failing store');
      expect(await deadLetters(tenant.id)).toEqual([]);
      const audit = await sql(env.env.DATABASE_URL, "SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1 AND action = 'store-binding.writes-refused'", [tenant.id]);
      expect(audit[0].n).toBe(0);
    });
  });
});
