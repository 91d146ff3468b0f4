import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { erasureQueueName, ingestBullPrefix } from '@memtrace/ingest';
import { ErasureReceipt, Memtrace, NotFoundError } from '@memtrace/sdk';
import { AppProcess, ARC_DB, ARC_TOKEN, createStack, httpRequest, TenantStack, waitFor } from '@memtrace/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bootstrapKeyFrom } from './admin-fixtures';
import { arcRows, queueCounts, waitForAcknowledged, writeMemory, WriteOutcome } from './ingest-fixtures';

jest.setTimeout(180_000);

/** Writes `count` memories into `session_id`, `concurrency` at a time, each with the time its 201 arrived. */
async function writeInto(gateway: AppProcess, key: string, sessionId: string, count: number, label: string, concurrency = 8) {
  const written: Array<WriteOutcome & { ackedAtMs: number }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const outcome = await writeMemory(gateway, key, `${label} #${n}`, { session_id: sessionId, tags: ['forget-e2e'] });
        written.push({ ...outcome, ackedAtMs: Date.now() });
      }
    }),
  );
  expect(written.every((w) => w.status === 201)).toBe(true);
  return written;
}

async function receiptOf(gateway: AppProcess, key: string, id: string): Promise<ErasureReceipt> {
  const reply = await httpRequest(gateway, 'GET', `/api/v1/erasures/${id}`, { key });
  expect(reply.status).toBe(200);
  return reply.body as ErasureReceipt;
}

async function finished(gateway: AppProcess, key: string, id: string, timeoutMs = 60_000): Promise<ErasureReceipt> {
  let receipt = await receiptOf(gateway, key, id);
  await waitFor(async () => ['done', 'failed'].includes((receipt = await receiptOf(gateway, key, id)).status), timeoutMs, `erasure ${id} to finish`);
  return receipt;
}

async function drained(stack: TenantStack) {
  await waitFor(
    async () => {
      const { ingest } = await queueCounts(stack);
      return ingest.wait + ingest.active + ingest.delayed === 0;
    },
    60_000,
    'the ingest queue to drain',
  );
}

/** Ids of the session's memories through the list route, all pages. */
async function listedIds(gateway: AppProcess, key: string, sessionId: string): Promise<string[]> {
  const reply = await httpRequest(gateway, 'GET', `/api/v1/memories?session_id=${sessionId}&since=24h&limit=1000`, { key });
  expect(reply.status).toBe(200);
  return (reply.body.memories as Array<{ id: string }>).map((m) => m.id);
}

async function erasureRows(stack: TenantStack, orgId: string): Promise<number> {
  const db = new Client({ connectionString: stack.env.db.url });
  await db.connect();
  try {
    return Number((await db.query('SELECT count(*) AS n FROM erasures WHERE org_id = $1', [orgId])).rows[0].n);
  } finally {
    await db.end();
  }
}

describe('forget (gateway, query, worker, Arc double)', () => {
  let stack: TenantStack;
  let gateway: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    stack = await createStack();
    [gateway, , worker] = await Promise.all([stack.spawn('gateway'), stack.spawn('query'), stack.spawn('ingest-worker')]);
  });
  afterAll(() => stack?.close());

  it('erases a session under concurrent ingest: nothing forgotten is readable once the queues drain, everything else stays', async () => {
    const stored = await writeInto(gateway, stack.key, 'sess_forget', 300, 'stored');
    const kept = await writeInto(gateway, stack.key, 'sess_keep', 50, 'kept');
    await waitForAcknowledged(stack, [...stored, ...kept]);

    // Matching and other writes go on while the erasure runs.
    let writing = true;
    const during: Array<WriteOutcome & { ackedAtMs: number }> = [];
    const keptDuring: WriteOutcome[] = [];
    const writer = (async () => {
      for (let n = 0; writing; n++) {
        during.push(...(await writeInto(gateway, stack.key, 'sess_forget', 4, `during ${n}`, 4)));
        keptDuring.push(...(await writeInto(gateway, stack.key, 'sess_keep', 1, `kept during ${n}`, 1)));
      }
    })();
    await waitFor(async () => during.length >= 8, 30_000, 'writes during the erasure');
    const started = await httpRequest(gateway, 'POST', '/api/v1/memories/forget', { key: stack.key, json: { session_id: 'sess_forget' } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'forget', status: 'pending', dry_run: false, erased: 0, matched: null });
    const receipt = await finished(gateway, stack.key, started.body.id);
    writing = false;
    await writer;
    expect(receipt).toMatchObject({ status: 'done', id: started.body.id });
    expect(receipt.matched).toBeGreaterThanOrEqual(300);
    expect(receipt.erased).toBeGreaterThanOrEqual(300);

    // A write made after the erasure finished is a new memory: it lands.
    const after = await writeMemory(gateway, stack.key, 'written after the erasure', { session_id: 'sess_forget' });
    await drained(stack);
    await waitForAcknowledged(stack, [after, ...kept, ...keptDuring]);

    const finishedAtMs = Date.parse(receipt.finished_at!);
    const forgotten = new Set([...stored, ...during.filter((w) => w.ackedAtMs <= finishedAtMs)].map((w) => w.id));
    const rows = await arcRows(stack);
    expect(rows.filter((r) => forgotten.has(r.id))).toEqual([]);
    const listed = await listedIds(gateway, stack.key, 'sess_forget');
    expect(listed.filter((id) => forgotten.has(id))).toEqual([]);
    expect(listed).toContain(after.id);
    const search = await httpRequest(gateway, 'POST', '/api/v1/search', { key: stack.key, json: { session_id: 'sess_forget', limit: 100 } });
    expect(search.status).toBe(200);
    expect((search.body.results as Array<{ id: string }>).filter((m) => forgotten.has(m.id))).toEqual([]);
    for (const id of [...forgotten].slice(0, 5)) expect((await httpRequest(gateway, 'GET', `/api/v1/memories/${id}`, { key: stack.key })).status).toBe(404);
    expect(new Set(await listedIds(gateway, stack.key, 'sess_keep'))).toEqual(new Set([...kept, ...keptDuring].map((w) => w.id)));
  });

  it('counts without erasing on a dry run, and matches filters as the list route does', async () => {
    await writeInto(gateway, stack.key, 'sess_dry', 12, 'dry');
    const dry = await httpRequest(gateway, 'POST', '/api/v1/memories/forget', { key: stack.key, json: { session_id: 'sess_dry', tags: ['forget-e2e'], memory_type: ['episodic'], since: '1h', dry_run: true } });
    expect(dry.status).toBe(202);
    expect(dry.body).toMatchObject({ status: 'done', dry_run: true, matched: 12, erased: 0 });
    expect(await receiptOf(gateway, stack.key, dry.body.id)).toEqual(dry.body);
    expect(await listedIds(gateway, stack.key, 'sess_dry')).toHaveLength(12);
    const none = await httpRequest(gateway, 'POST', '/api/v1/memories/forget', { key: stack.key, json: { session_id: 'sess_dry', tags: ['forget-e2e', 'absent'], dry_run: true } });
    expect(none.body).toMatchObject({ matched: 0 });
  });

  it("erases by id where Arc refuses the filter's words in a delete (a session named load-test)", async () => {
    const written = await writeInto(gateway, stack.key, 'load-test', 30, 'words Arc refuses');
    await waitForAcknowledged(stack, written);
    // No batch in flight: a worker's own check after a batch erases covered rows too, uncounted here.
    await drained(stack);
    const started = await httpRequest(gateway, 'POST', '/api/v1/memories/forget', { key: stack.key, json: { session_id: 'load-test', tags: ['forget-e2e'] } });
    expect(await finished(gateway, stack.key, started.body.id)).toMatchObject({ status: 'done', matched: 30, erased: 30 });
    expect(await listedIds(gateway, stack.key, 'load-test')).toEqual([]);
  });

  it('refuses bad input with a 400 that names it, and starts nothing', async () => {
    const before = await erasureRows(stack, stack.orgId);
    const cases: Array<[unknown, RegExp]> = [
      [{}, /at least one filter/],
      [{ dry_run: true }, /at least one filter/],
      [{ agentid: 'a' }, /agentid/],
      [{ session_id: "x' OR 1=1 --" }, /invalid session_id/],
      [{ since: 'yesterday' }, /invalid since/],
      [{ since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }, /since must be before until/],
      [{ tags: 'a,b' }, /tags/],
      [{ memory_type: 'bad type!' }, /invalid memory_type/],
      [{ session_id: 's', dry_run: 'yes' }, /dry_run/],
      [[{ session_id: 's' }], /invalid request body/],
    ];
    for (const [body, message] of cases) {
      const reply = await httpRequest(gateway, 'POST', '/api/v1/memories/forget', { key: stack.key, json: body });
      expect({ body, status: reply.status }).toEqual({ body, status: 400 });
      expect(reply.body.error).toMatch(message);
    }
    expect(await erasureRows(stack, stack.orgId)).toBe(before);
  });

  it("isolates tenants: another org's key cannot read a receipt or forget this org's memories; a read-only key cannot forget", async () => {
    const mine = await writeInto(gateway, stack.key, 'sess_shared_name', 5, 'mine');
    const other = stack.cli(['org', 'create', 'forget-other-co']);
    stack.cli(['org', 'add-arc', other.id, '--url', stack.arc.url, '--database', 'forget_other', '--api-key', ARC_TOKEN]);
    const otherKey = stack.cli(['key', 'create', '--org', other.id, '--name', 'w', '--permissions', 'read,write']).key;
    const readOnly = stack.cli(['key', 'create', '--org', stack.orgId, '--name', 'ro', '--permissions', 'read']).key;

    const theirs = await httpRequest(gateway, 'POST', '/api/v1/memories/forget', { key: otherKey, json: { session_id: 'sess_shared_name' } });
    expect(theirs.status).toBe(202);
    expect(await finished(gateway, otherKey, theirs.body.id)).toMatchObject({ status: 'done', erased: 0 });
    expect((await httpRequest(gateway, 'GET', `/api/v1/erasures/${theirs.body.id}`, { key: stack.key })).status).toBe(404);
    expect((await httpRequest(gateway, 'GET', '/api/v1/erasures/not-an-id', { key: otherKey })).status).toBe(404);
    expect((await httpRequest(gateway, 'POST', '/api/v1/memories/forget', { key: readOnly, json: { session_id: 'sess_shared_name' } })).status).toBe(403);
    expect((await httpRequest(gateway, 'POST', '/api/v1/memories/forget', { key: 'mt_not_a_key', json: { session_id: 'sess_shared_name' } })).status).toBe(401);
    await waitForAcknowledged(stack, mine);
    expect(new Set(await listedIds(gateway, stack.key, 'sess_shared_name'))).toEqual(new Set(mine.map((w) => w.id)));
  });

  it('deletes an agent with its memories (under its id and its name) with erase_memories=true, audited', async () => {
    const client = new Memtrace(gateway.url(), stack.key, { maxRetries: 0 });
    const agent = await client.registerAgent({ name: 'erasable-agent' });
    const byId = await writeMemory(gateway, stack.key, 'under the id', { agent_id: agent.id });
    const byName = await writeMemory(gateway, stack.key, 'under the name', { agent_id: 'erasable-agent' });
    const other = await writeMemory(gateway, stack.key, 'another agent', { agent_id: 'agent_stays' });
    await waitForAcknowledged(stack, [byId, byName, other]);

    expect((await httpRequest(gateway, 'DELETE', `/api/v1/agents/${agent.id}?erase_memories=maybe`, { key: stack.key })).status).toBe(400);
    const outsider = stack.cli(['org', 'create', 'agent-outsider-co']);
    const outsiderKey = stack.cli(['key', 'create', '--org', outsider.id, '--name', 'w', '--permissions', 'read,write']).key;
    expect((await httpRequest(gateway, 'DELETE', `/api/v1/agents/${agent.id}?erase_memories=true`, { key: outsiderKey })).status).toBe(404);
    expect((await httpRequest(gateway, 'DELETE', '/api/v1/agents/agent_unknown?erase_memories=true', { key: stack.key })).status).toBe(404);
    const receipt = await client.deleteAgent(agent.id, { eraseMemories: true });
    expect(receipt).toMatchObject({ kind: 'agent', status: 'pending' });
    expect(await client.waitForErasure(receipt.id)).toMatchObject({ status: 'done', matched: 2, erased: 2 });
    await expect(client.getAgent(agent.id)).rejects.toBeInstanceOf(NotFoundError);
    const ids = (await arcRows(stack)).map((r) => r.id);
    expect(ids).not.toContain(byId.id);
    expect(ids).not.toContain(byName.id);
    expect(ids).toContain(other.id);

    const db = new Client({ connectionString: stack.env.db.url });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT actor, outcome, detail FROM audit_events WHERE action = 'memories.erase' AND target = $1`, [`erasure:${receipt.id}`]);
      expect(rows).toEqual([{ actor: expect.stringMatching(/^key:\d+$/), outcome: 'ok', detail: expect.objectContaining({ kind: 'agent', matched: 2, erased: 2 }) }]);
    } finally {
      await db.end();
    }
  });

  it('deletes an org with every memory it has (memtrace org delete), then the org itself; other orgs keep theirs', async () => {
    const kept = await writeMemory(gateway, stack.key, 'the other org keeps this');
    const doomed = stack.cli(['org', 'create', 'doomed-co']);
    stack.cli(['org', 'add-arc', doomed.id, '--url', stack.arc.url, '--database', ARC_DB, '--api-key', ARC_TOKEN]);
    const doomedKey = stack.cli(['key', 'create', '--org', doomed.id, '--name', 'w', '--permissions', 'read,write']).key;
    const stored = await Promise.all(Array.from({ length: 20 }, (_, i) => writeMemory(gateway, doomedKey, `doomed ${i}`, { session_id: `sess_${i % 3}` })));
    await waitFor(async () => (await arcRows(stack, doomed.id)).length === 20, 30_000, "the doomed org's memories in the store");
    const queued = await writeMemory(gateway, doomedKey, 'written just before the deletion');
    expect(queued.status).toBe(201);

    const outcome = stack.cli(['org', 'delete', doomed.id]);
    expect(outcome).toMatchObject({ state: 'erasing', erasure: { kind: 'org' } });
    await waitFor(async () => (await httpRequest(gateway, 'GET', '/api/v1/memories', { key: doomedKey })).status === 401, 10_000, 'the key to stop working');
    const db = new Client({ connectionString: stack.env.db.url });
    await db.connect();
    try {
      await waitFor(async () => (await db.query('SELECT 1 FROM organizations WHERE id = $1', [doomed.id])).rowCount === 0, 60_000, 'the org to be deleted');
      const { rows } = await db.query(`SELECT action, outcome, detail FROM audit_events WHERE org_id = $1 AND action IN ('memories.erase', 'org.deleted') ORDER BY id`, [doomed.id]);
      expect(rows).toEqual([
        { action: 'memories.erase', outcome: 'ok', detail: expect.objectContaining({ kind: 'org', matched: 21, erased: 21 }) },
        { action: 'org.deleted', outcome: 'ok', detail: { memories: 'erased' } },
      ]);
    } finally {
      await db.end();
    }
    await drained(stack);
    expect(await arcRows(stack, doomed.id)).toEqual([]);
    expect(stored.every((w) => w.status === 201)).toBe(true);
    await waitForAcknowledged(stack, [kept]);
  });

  it('finishes an erasure whose worker was killed (kill -9) mid-run', async () => {
    const written = await writeInto(gateway, stack.key, 'sess_killed', 40, 'killed');
    await waitForAcknowledged(stack, written);
    await drained(stack);
    const connection = new Redis(stack.env.env.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(erasureQueueName(), { connection, prefix: ingestBullPrefix(stack.env.env.MEMTRACE_REDIS_PREFIX) });
    try {
      // Arc stops answering, so the run holds the job until the worker dies.
      process.kill(stack.arc.pid, 'SIGSTOP');
      const started = await httpRequest(gateway, 'POST', '/api/v1/memories/forget', { key: stack.key, json: { session_id: 'sess_killed' } });
      expect(started.status).toBe(202);
      await waitFor(async () => (await queue.getJobCounts('active')).active === 1, 30_000, 'the worker to take the erasure');
      worker.child.kill('SIGKILL');
      await new Promise((resolve) => worker.child.once('exit', resolve));
      process.kill(stack.arc.pid, 'SIGCONT');
      worker = await stack.spawn('ingest-worker');
      expect(await finished(gateway, stack.key, started.body.id)).toMatchObject({ status: 'done', matched: 40, erased: 40 });
      expect(await listedIds(gateway, stack.key, 'sess_killed')).toEqual([]);
    } finally {
      process.kill(stack.arc.pid, 'SIGCONT');
      await queue.close();
      await connection.quit();
    }
  });
});

describe('forget (standalone, embedded DuckDB)', () => {
  it('erases stored and queued memories alike and keeps the rest', async () => {
    const stack = await createStack({ arc: false, env: { MEMTRACE_DATA_DIR: mkdtempSync(join(tmpdir(), 'memtrace-forget-')) } });
    const app = await stack.spawn('standalone');
    try {
      const client = new Memtrace(app.url('gateway'), bootstrapKeyFrom(app), { maxRetries: 0 });
      for (let i = 0; i < 30; i++) await client.remember('duck', `stored ${i}`, { session_id: 'sess_duck_forget' });
      await client.remember('duck', 'kept', { session_id: 'sess_duck_keep' });
      await waitFor(async () => (await client.getAgentStats('duck')).memory_count === 31, 20_000, 'the memories in the store');
      const receipt = await client.forget({ session_id: 'sess_duck_forget' });
      // Written while it runs: those acknowledged before it finished are covered too.
      const during = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => ({ memory: await client.remember('duck', `during ${i}`, { session_id: 'sess_duck_forget' }), ackedAtMs: Date.now() })),
      );
      const done = await client.waitForErasure(receipt.id);
      expect(done).toMatchObject({ status: 'done', matched: 30 });
      expect(done.erased).toBeGreaterThanOrEqual(30);
      const covered = during.filter((d) => d.ackedAtMs <= Date.parse(done.finished_at!)).map((d) => d.memory.id!);
      const gone = async (id: string) => client.getMemory(id).then(() => false, (error) => error instanceof NotFoundError);
      await waitFor(async () => (await Promise.all(covered.map(gone))).every(Boolean), 20_000, 'the covered writes to be dropped');
      const left = (await client.listMemories({ agent_id: 'duck', limit: 100 })).memories.map((m) => m.content);
      expect(left).toContain('kept');
      expect(left.filter((c) => c.startsWith('stored'))).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
