import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Memtrace, NotFoundError } from '@memtrace/sdk';
import { AppProcess, ARC_TOKEN, createStack, httpRequest, TenantStack, waitFor } from '@memtrace/testing';
import { bootstrapKeyFrom } from './admin-fixtures';
import { arcRows, queueCounts, waitForAcknowledged, writeMemory } from './ingest-fixtures';

jest.setTimeout(120_000);

/**
 * `DELETE /api/v1/memories/:id`: the memory is gone from the store, the hot tier and every read at
 * once; a copy still queued never lands; its dedup claim is released; another org cannot delete
 * it; every deletion is audited. On the Arc double (split processes) and on DuckDB (standalone).
 */
describe('deleting a memory (gateway, query, worker, Arc double)', () => {
  let stack: TenantStack;
  let gateway: AppProcess;

  beforeAll(async () => {
    stack = await createStack();
    [gateway] = await Promise.all([stack.spawn('gateway'), stack.spawn('query')]);
  });
  afterAll(() => stack?.close());

  const readable = async (id: string) => (await httpRequest(gateway, 'GET', `/api/v1/memories/${id}`, { key: stack.key })).status;

  it('deletes a memory that is still queued: 204, gone from every read, and it never lands', async () => {
    // No worker yet: the memory is acknowledged, in the hot tier and in the queue only.
    const kept = await writeMemory(gateway, stack.key, 'queued and kept');
    const doomed = await writeMemory(gateway, stack.key, 'queued and deleted', { tags: ['doomed'] });
    expect([kept.status, doomed.status]).toEqual([201, 201]);
    expect(await readable(doomed.id!)).toBe(200);

    expect((await httpRequest(gateway, 'DELETE', `/api/v1/memories/${doomed.id}`, { key: stack.key })).status).toBe(204);
    expect(await readable(doomed.id!)).toBe(404);
    const listed = await httpRequest(gateway, 'GET', '/api/v1/memories?tags=doomed', { key: stack.key });
    expect(listed.body.memories).toEqual([]);

    await stack.spawn('ingest-worker');
    await waitForAcknowledged(stack, [kept]);
    await waitFor(async () => (await queueCounts(stack)).ingest.wait === 0 && (await queueCounts(stack)).ingest.active === 0, 30_000, 'the queue to drain');
    const rows = await arcRows(stack);
    expect(rows.map((r) => r.id)).toContain(kept.id);
    expect(rows.map((r) => r.id)).not.toContain(doomed.id);
    expect(await readable(doomed.id!)).toBe(404);
  });

  it('deletes a stored memory from the store; a second delete is 404; the same content can be written again', async () => {
    const written = await writeMemory(gateway, stack.key, 'stored then deleted', { agent_id: 'agent_del', dedup_key: 'once-only' });
    expect(written.status).toBe(201);
    await waitForAcknowledged(stack, [written]);
    // The dedup claim holds while the memory exists.
    expect((await writeMemory(gateway, stack.key, 'stored then deleted', { agent_id: 'agent_del', dedup_key: 'once-only' })).status).toBe(409);

    expect((await httpRequest(gateway, 'DELETE', `/api/v1/memories/${written.id}`, { key: stack.key })).status).toBe(204);
    expect((await arcRows(stack)).map((r) => r.id)).not.toContain(written.id);
    expect(await readable(written.id!)).toBe(404);
    const stats = await httpRequest(gateway, 'GET', '/api/v1/agents/agent_del/stats', { key: stack.key });
    expect(stats.body.memory_count).toBe(0);
    expect((await httpRequest(gateway, 'DELETE', `/api/v1/memories/${written.id}`, { key: stack.key })).body).toMatchObject({ error: 'memory not found' });

    const again = await writeMemory(gateway, stack.key, 'stored then deleted', { agent_id: 'agent_del', dedup_key: 'once-only' });
    expect(again.status).toBe(201);
  });

  it("answers 404 for another org's memory and leaves it; 404 for a malformed id; 403 for a read-only key", async () => {
    const mine = await writeMemory(gateway, stack.key, 'not yours');
    const other = stack.cli(['org', 'create', 'other-co']);
    stack.cli(['org', 'add-arc', other.id, '--url', stack.arc.url, '--database', 'other_db', '--api-key', ARC_TOKEN]);
    const otherKey = stack.cli(['key', 'create', '--org', other.id, '--name', 'w', '--permissions', 'read,write']).key;
    const readOnly = stack.cli(['key', 'create', '--org', stack.orgId, '--name', 'ro', '--permissions', 'read']).key;

    expect((await httpRequest(gateway, 'DELETE', `/api/v1/memories/${mine.id}`, { key: otherKey })).status).toBe(404);
    expect((await httpRequest(gateway, 'DELETE', `/api/v1/memories/${mine.id}`, { key: readOnly })).status).toBe(403);
    expect((await httpRequest(gateway, 'DELETE', '/api/v1/memories/not-a-memory-id', { key: stack.key })).status).toBe(404);
    expect((await httpRequest(gateway, 'DELETE', "/api/v1/memories/x'%20OR%201=1", { key: stack.key })).status).toBe(404);
    expect((await httpRequest(gateway, 'DELETE', '/api/v1/memories/', { key: stack.key })).status).toBe(404);
    expect(await readable(mine.id!)).toBe(200);
  });

  it('records every deletion in the audit log, under the key that made it', async () => {
    const written = await writeMemory(gateway, stack.key, 'audited deletion');
    expect((await httpRequest(gateway, 'DELETE', `/api/v1/memories/${written.id}`, { key: stack.key })).status).toBe(204);
    const db = new Client({ connectionString: stack.env.db.url });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT actor, org_id, outcome FROM audit_events WHERE action = 'memory.delete' AND target = $1`, [`memory:${written.id}`]);
      expect(rows).toEqual([{ actor: expect.stringMatching(/^key:\d+$/), org_id: stack.orgId, outcome: 'ok' }]);
    } finally {
      await db.end();
    }
  });

  it('is in the SDK: deleteMemory, and NotFoundError for an unknown id', async () => {
    const client = new Memtrace(gateway.url(), stack.key, { maxRetries: 0 });
    const memory = await client.remember('sdk-agent', 'delete me through the SDK');
    await client.deleteMemory(memory.id!);
    await expect(client.getMemory(memory.id!)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.deleteMemory(memory.id!)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('deleting a memory (standalone, embedded DuckDB)', () => {
  it('deletes stored and queued memories alike', async () => {
    const stack = await createStack({ arc: false, env: { MEMTRACE_DATA_DIR: mkdtempSync(join(tmpdir(), 'memtrace-delete-')) } });
    const app = await stack.spawn('standalone');
    try {
      const key = bootstrapKeyFrom(app);
      const client = new Memtrace(app.url('gateway'), key, { maxRetries: 0 });
      const stored = await client.remember('duck', 'stored in DuckDB');
      await waitFor(async () => (await client.getAgentStats('duck')).memory_count === 1, 20_000, 'the memory in the store');
      await client.deleteMemory(stored.id!);
      await expect(client.getMemory(stored.id!)).rejects.toBeInstanceOf(NotFoundError);
      expect((await client.getAgentStats('duck')).memory_count).toBe(0);
      expect((await client.listMemories({ agent_id: 'duck' })).memories).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
