import { Client } from 'pg';
import { AppProcess, createStack, httpRequest, TenantStack, waitFor } from '@memtrace/testing';
import { arcRows } from './ingest-fixtures';

jest.setTimeout(120_000);

const DAY_MS = 86_400_000;
let sequence = 0;
function line(daysAgo: number, memoryType: string, content: string) {
  sequence += 1;
  const id = `0198c0de-0000-7000-8000-${String(sequence).padStart(12, '0')}`;
  return { id, json: JSON.stringify({ id, time: new Date(Date.now() - daysAgo * DAY_MS).toISOString(), agent_id: 'aging', memory_type: memoryType, content }) };
}

/** Sweeps run by these workers, from their metrics: each sweep is one job, so one worker counts it. */
async function sweepsRun(workers: AppProcess[]): Promise<number> {
  const counts = await Promise.all(
    workers.map(async (w) => Number(/memtrace_retention_sweeps_total\{outcome="ok"\} (\d+)/.exec(await (await fetch(`${w.url('metrics')}/metrics`)).text())?.[1] ?? 0)),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Retention: per-org rules (org-wide and per memory type) set with the CLI and the admin API,
 * applied by the worker tier's scheduled sweep — one job per interval for the deployment, taken by
 * one of two workers, each org's erasure created once — with receipts, audit and metrics.
 */
describe('retention (two workers, Arc double)', () => {
  let stack: TenantStack;
  let gateway: AppProcess;
  let admin: AppProcess;
  let workers: AppProcess[] = [];

  beforeAll(async () => {
    stack = await createStack({ env: { MEMTRACE_RETENTION_INTERVAL_MS: '1000' } });
    [gateway, admin] = await Promise.all([stack.spawn('gateway'), stack.spawn('admin'), stack.spawn('query')]);
  });
  afterAll(() => stack?.close());

  it('erases memories past their rule once, whichever worker runs the sweep, and keeps the rest', async () => {
    const old = [line(100, 'decision', 'old decision'), line(100, 'entity', 'old entity'), line(20, 'episodic', 'old-ish episode')];
    const kept = [line(20, 'decision', 'recent decision'), line(5, 'episodic', 'recent episode'), line(0, 'entity', 'today')];
    const imported = await fetch(`${gateway.url()}/api/v1/import`, {
      method: 'POST',
      headers: { 'x-api-key': stack.key, 'content-type': 'application/x-ndjson' },
      body: [...old, ...kept].map((l) => l.json).join('\n'),
    });
    expect(imported.status).toBe(200);

    expect(stack.cli(['org', 'retention', 'set', stack.orgId, '--days', '90'])).toEqual({ org_id: stack.orgId, days: 90, memory_types: {} });
    expect(stack.cli(['org', 'retention', 'set', stack.orgId, '--days', '10', '--memory-type', 'episodic'])).toEqual({ org_id: stack.orgId, days: 90, memory_types: { episodic: 10 } });
    // Rules first, workers after: the rows are in the queue and the hot tier until a worker starts.
    workers = await Promise.all([stack.spawn('ingest-worker'), stack.spawn('ingest-worker')]);

    await waitFor(async () => {
      const ids = new Set((await arcRows(stack)).map((r) => r.id));
      return old.every((l) => !ids.has(l.id)) && kept.every((l) => ids.has(l.id));
    }, 60_000, 'the old memories to go and the others to land');

    const db = new Client({ connectionString: stack.env.db.url });
    await db.connect();
    try {
      // Two more sweeps: neither starts a second erasure of the same rows.
      const before = await sweepsRun(workers);
      await waitFor(async () => (await sweepsRun(workers)) >= before + 2, 30_000, 'two more sweeps');
      const { rows } = await db.query(`SELECT id, status, erased, filter FROM erasures WHERE org_id = $1 AND kind = 'retention' ORDER BY created_at`, [stack.orgId]);
      expect(rows.map((r) => r.status)).toEqual(['done', 'done']);
      expect(rows.reduce((sum, r) => sum + r.erased, 0)).toBe(3);
      const receipt = await httpRequest(gateway, 'GET', `/api/v1/erasures/${rows[0].id}`, { key: stack.key });
      expect(receipt.body).toMatchObject({ kind: 'retention', status: 'done' });
      const audit = await db.query(`SELECT actor FROM audit_events WHERE org_id = $1 AND action = 'memories.erase'`, [stack.orgId]);
      expect(audit.rows).toEqual([{ actor: 'retention' }, { actor: 'retention' }]);
    } finally {
      await db.end();
    }
  });

  it('is set through the admin API by the tenant admin, with clear errors for bad rules', async () => {
    const tenantAdmin = stack.cli(['key', 'create', '--org', stack.orgId, '--name', 'tenant-admin', '--permissions', 'read,write,admin']).key;
    const put = (body: unknown) => httpRequest(admin, 'PUT', `/admin/v1/orgs/${stack.orgId}/retention`, { key: tenantAdmin, json: body });
    expect((await put({ days: 30, memory_type: 'session' })).body).toMatchObject({ days: 90, memory_types: { episodic: 10, session: 30 } });
    expect((await put({ days: null, memory_type: 'episodic' })).body).toMatchObject({ memory_types: { session: 30 } });
    for (const bad of [{ days: 0 }, { days: 1.5 }, { days: 30, memory_type: 'dreams' }, { days: 30, extra: true }, {}]) {
      const reply = await put(bad);
      expect({ bad, status: reply.status }).toEqual({ bad, status: 400 });
    }
    const other = stack.cli(['org', 'create', 'retention-other-co']);
    expect((await httpRequest(admin, 'PUT', `/admin/v1/orgs/${other.id}/retention`, { key: tenantAdmin, json: { days: 1 } })).status).toBe(404);
    expect((await httpRequest(admin, 'DELETE', `/admin/v1/orgs/${stack.orgId}/retention`, { key: tenantAdmin })).body).toEqual({ org_id: stack.orgId, days: null, memory_types: {} });
  });
});
