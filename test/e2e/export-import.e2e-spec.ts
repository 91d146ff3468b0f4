import { parseTimeUs } from '@memtrace/contracts';
import { Memory, Memtrace } from '@memtrace/sdk';
import { AppProcess, ARC_TOKEN, createStack, httpRequest, TenantStack, waitFor } from '@memtrace/testing';
import { waitForAcknowledged, writeMemory } from './ingest-fixtures';

jest.setTimeout(120_000);

async function importBody(gateway: AppProcess, key: string, body: string, contentType = 'application/x-ndjson') {
  const reply = await fetch(`${gateway.url()}/api/v1/import`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': contentType }, body });
  return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

const withoutOrg = ({ org_id: _org, ...memory }: Memory) => memory;

/**
 * `GET /api/v1/export` (NDJSON, keyset-paged, streamed) and `POST /api/v1/import` (ids and times
 * kept, dedup by id, all or nothing per request): an org's memories move to another org losslessly.
 */
describe('export and import (gateway, query, worker, Arc double)', () => {
  let stack: TenantStack;
  let gateway: AppProcess;
  let target: { orgId: string; key: string };

  beforeAll(async () => {
    stack = await createStack();
    [gateway] = await Promise.all([stack.spawn('gateway'), stack.spawn('query'), stack.spawn('ingest-worker')]);
    const org = stack.cli(['org', 'create', 'import-target-co']);
    stack.cli(['org', 'add-arc', org.id, '--url', stack.arc.url, '--database', 'import_target', '--api-key', ARC_TOKEN]);
    target = { orgId: org.id, key: stack.cli(['key', 'create', '--org', org.id, '--name', 'w', '--permissions', 'read,write']).key };
  });
  afterAll(() => stack?.close());

  it('exports every field of 2,500 memories over several pages, and an import into another org reproduces them exactly', async () => {
    const source = new Memtrace(gateway.url(), stack.key, { maxRetries: 0 });
    const batch = (n: number) =>
      Array.from({ length: 500 }, (_, i) => ({
        agent_id: `agent_${i % 3}`,
        session_id: i % 2 ? 'sess_odd' : undefined,
        memory_type: (['episodic', 'decision', 'entity', 'session'] as const)[i % 4],
        event_type: i % 7 === 0 ? 'error' : 'general',
        content: `memory ${n}-${i} ünïcødé ✓`,
        metadata: i % 5 === 0 ? { n, i, nested: { ok: true } } : undefined,
        tags: i % 3 === 0 ? ['export', `t${i % 4}`] : undefined,
        importance: (i % 10) / 10,
        dedup_key: `k-${n}-${i}`,
      }));
    const written: string[] = [];
    for (let n = 0; n < 5; n++) {
      const reply = await httpRequest(gateway, 'POST', '/api/v1/memories', { key: stack.key, json: { memories: batch(n) } });
      expect(reply.status).toBe(201);
      written.push(...(reply.body.memories as Array<{ id: string }>).map((m) => m.id));
    }
    await waitForAcknowledged(stack, written.map((id) => ({ status: 201, id, content: '' })));

    const exported: Memory[] = [];
    for await (const memory of source.export()) exported.push(memory);
    expect(exported).toHaveLength(2_500);
    expect(new Set(exported.map((m) => m.id))).toEqual(new Set(written));
    // Oldest first, ties by id: the store's order.
    const keyed = exported.map((m) => ({ us: parseTimeUs(m.time)!, id: m.id! }));
    expect([...keyed].sort((a, b) => a.us - b.us || (a.id < b.id ? -1 : 1))).toEqual(keyed);
    expect(exported.find((m) => m.metadata)).toMatchObject({ metadata: { nested: { ok: true } } });

    const into = new Memtrace(gateway.url(), target.key, { maxRetries: 0 });
    expect(await into.import(exported, { chunkSize: 1_000 })).toEqual({ imported: 2_500, skipped: 0 });
    // Readable at once (hot tier), then stored.
    expect((await into.getMemory(exported[0].id!)).content).toBe(exported[0].content);
    await waitFor(async () => (await into.getAgentStats('agent_0')).memory_count === exported.filter((m) => m.agent_id === 'agent_0').length, 60_000, 'the import in the store');
    const again: Memory[] = [];
    for await (const memory of into.export()) again.push(memory);
    expect(again.map(withoutOrg)).toEqual(exported.map(withoutOrg));
    expect(new Set(again.map((m) => m.org_id))).toEqual(new Set([target.orgId]));

    // Running it again imports nothing: every id is there.
    expect(await into.import(exported.slice(0, 1_200))).toEqual({ imported: 0, skipped: 1_200 });
  });

  it('exports with the list filters, and answers a bad filter with a 400 before streaming', async () => {
    const client = new Memtrace(gateway.url(), stack.key, { maxRetries: 0 });
    const filtered: Memory[] = [];
    for await (const memory of client.export({ agent_id: 'agent_0', memory_type: 'decision', tags: ['export'] })) filtered.push(memory);
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((m) => m.agent_id === 'agent_0' && m.memory_type === 'decision' && m.tags?.includes('export'))).toBe(true);
    const bad = await fetch(`${gateway.url()}/api/v1/export?since=yesterday`, { headers: { 'x-api-key': stack.key } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/invalid since/);
    const reply = await fetch(`${gateway.url()}/api/v1/export?session_id=sess_none`, { headers: { 'x-api-key': stack.key } });
    expect(reply.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(await reply.text()).toBe('');
  });

  it('refuses a bad import whole, naming the line, and writes nothing of it', async () => {
    const good = (n: number) => JSON.stringify({ id: `0198c0de-0000-7000-8000-${String(n).padStart(12, '0')}`, time: '2026-11-01T10:00:00.123456Z', agent_id: 'imp', content: `line ${n}` });
    const cases: Array<[string, RegExp]> = [
      [`${good(1)}\n{not json\n`, /^line 2: /],
      [`${good(2)}\n\n${JSON.stringify({ time: '2026-11-01T10:00:00Z', agent_id: 'imp', content: 'x' })}`, /^line 3: id must be/],
      [`${good(3)}\n${JSON.stringify({ id: '0198c0de-0000-7000-8000-000000000099', time: 'yesterday', agent_id: 'imp', content: 'x' })}`, /^line 2: time must be/],
      [`${good(4)}\n${JSON.stringify({ id: '0198c0de-0000-7000-8000-000000000098', time: '2026-11-01T10:00:00Z', agent_id: 'bad id!', content: 'x' })}`, /^line 2: invalid agent_id/],
      [`${good(5)}\n${JSON.stringify({ id: '0198c0de-0000-7000-8000-000000000097', time: '2026-11-01T10:00:00Z', agent_id: 'imp', content: ' ' })}`, /^line 2: content is required/],
      ['\n\n', /nothing to import/],
    ];
    for (const [body, message] of cases) {
      const reply = await importBody(gateway, stack.key, body);
      expect({ message, status: reply.status }).toEqual({ message, status: 400 });
      expect(String(reply.body.error)).toMatch(message);
    }
    expect((await importBody(gateway, stack.key, good(6), 'text/plain')).status).toBe(415);
    expect((await importBody(gateway, stack.key, JSON.stringify([good(7)]), 'application/json')).status).toBe(400);
    const tooMany = Array.from({ length: 5_001 }, (_, i) => good(100 + i)).join('\n');
    expect((await importBody(gateway, stack.key, tooMany)).body.error).toMatch(/at most 5000/);
    // None of the good lines above landed.
    const listed = await httpRequest(gateway, 'GET', '/api/v1/memories?agent_id=imp&limit=1000', { key: stack.key });
    expect(listed.body.memories).toEqual([]);
  });

  it("isolates tenants: an import never reaches another org's memories, a read-only key cannot import, export needs a key", async () => {
    const mine = await writeMemory(gateway, stack.key, 'only in the source org', { agent_id: 'iso' });
    await waitForAcknowledged(stack, [mine]);
    const readOnly = stack.cli(['key', 'create', '--org', target.orgId, '--name', 'ro', '--permissions', 'read']).key;
    const line = JSON.stringify({ id: mine.id, time: new Date().toISOString(), agent_id: 'iso', content: 'overwrite attempt' });
    expect((await importBody(gateway, readOnly, line)).status).toBe(403);
    expect((await fetch(`${gateway.url()}/api/v1/export`)).status).toBe(401);
    // The same id imported into the target org is the target's own copy; the source's memory is untouched.
    expect((await importBody(gateway, target.key, line)).body).toEqual({ imported: 1, skipped: 0 });
    expect((await httpRequest(gateway, 'GET', `/api/v1/memories/${mine.id}`, { key: stack.key })).body.content).toBe('only in the source org');
    expect((await httpRequest(gateway, 'GET', `/api/v1/memories/${mine.id}`, { key: target.key })).body).toMatchObject({ content: 'overwrite attempt', org_id: target.orgId });
  });
});
