import http from 'node:http';
import { INGEST_MEMORIES_V1 } from '@memtrace/contracts';
import { ingestBullPrefix, ingestQueueName } from '@memtrace/ingest';
import { ArcMemoryStore } from '@memtrace/store';
import { HotTier } from '@memtrace/ingest';
import { AppProcess, ARC_DB, ARC_TOKEN, createStack, runCli, TenantStack, waitFor } from '@memtrace/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { arcRows, expectNoDuplicatesThroughApi, queueCounts, waitForAcknowledged, writeLoad, writeMemory } from './ingest-fixtures';

jest.setTimeout(180_000);

/** Rows written twice must be the same memory: same content always carries the same id. */
function expectOneIdPerContent(rows: Array<{ id: string; content: string }>) {
  const idsByContent = new Map<string, Set<string>>();
  for (const row of rows) idsByContent.set(row.content, (idsByContent.get(row.content) ?? new Set()).add(row.id));
  for (const [content, ids] of idsByContent) expect({ content, ids: [...ids] }).toEqual({ content, ids: [...ids].slice(0, 1) });
}

/** The worker's `memtrace_ingest_batches_in_flight` gauge. */
async function batchesInFlight(app: AppProcess): Promise<number> {
  const text = await (await fetch(`${app.url('metrics')}/metrics`)).text();
  return Number(/^memtrace_ingest_batches_in_flight (\S+)$/m.exec(text)?.[1] ?? 0);
}

describe('durable ingest: gateways → per-org BullMQ queue → ingest worker → Arc (double, 100 ms buffer age)', () => {
  let stack: TenantStack;
  let gateways: AppProcess[];
  let worker: AppProcess;

  beforeAll(async () => {
    stack = await createStack();
    gateways = [await stack.spawn('gateway'), await stack.spawn('gateway')];
    // Two worker processes on the same queues from the start.
    worker = await stack.spawn('ingest-worker');
    await stack.spawn('ingest-worker');
    await stack.spawn('query');
  });

  afterAll(() => stack.close());

  it('two concurrent identical writes on two gateways: exactly one 201, the other 409', async () => {
    const [a, b] = await Promise.all([
      writeMemory(gateways[0], stack.key, 'the very same memory'),
      writeMemory(gateways[1], stack.key, 'the very same memory'),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
  });

  it('every acknowledged write reaches the store, confirmed, and leaves the hot tier', async () => {
    const acked = (await writeLoad(gateways, stack.key, 200, 'steady')).filter((w) => w.status === 201);
    expect(acked).toHaveLength(200);
    const rows = await waitForAcknowledged(stack, acked);
    expectOneIdPerContent(rows);
    // The worker trims the hot tier right after confirming, which can be just after the rows show in the store.
    await waitFor(async () => (await queueCounts(stack)).hotTier === 0, 10_000, 'the hot tier to be trimmed');
    expect((await queueCounts(stack)).deadLetters).toBe(0);
  });

  it('kill -9 of the worker mid-batch, then a restart: every acknowledged memory is stored, duplicates share an id', async () => {
    await stack.arc.setFaults({ slowMs: 400 });
    let load: ReturnType<typeof writeLoad>;
    try {
      load = writeLoad(gateways, stack.key, 300, 'crash');
      // The store answers in 400 ms: once this worker reports a batch open, the kill lands inside it.
      await waitFor(async () => (await batchesInFlight(worker)) > 0, 30_000, 'a batch open in the worker');
      worker.child.kill('SIGKILL');
    } finally {
      await stack.arc.setFaults({ slowMs: 0 });
    }
    const acked = (await load).filter((w) => w.status === 201);
    expect(acked).toHaveLength(300);
    worker = await stack.spawn('ingest-worker');
    const rows = await waitForAcknowledged(stack, acked);
    expectOneIdPerContent(rows);
    expect((await queueCounts(stack)).deadLetters).toBe(0);
    await expectNoDuplicatesThroughApi(stack, gateways[0]);
  });

  it('a batch stored twice (a retry after a lost acknowledgement) reads as one memory on every route', async () => {
    const arc = new ArcMemoryStore({ url: stack.arc.url, database: ARC_DB, measurement: 'events', token: ARC_TOKEN });
    const batch = await arc.query({ filter: { orgId: stack.orgId, agentId: 'agent_load' }, order: 'desc', limit: 150 });
    expect(batch).toHaveLength(150);
    await arc.write(batch);
    const rows = await arcRows(stack);
    expect(rows.length - new Set(rows.map((r) => r.id)).size).toBeGreaterThanOrEqual(150);
    await expectNoDuplicatesThroughApi(stack, gateways[1]);
    await arc.close();
  });

  it('Arc down for 30 s under a steady write load: every write is accepted, and all land after recovery', async () => {
    await stack.arc.setFaults({ down: true });
    const acked = [];
    const until = Date.now() + 30_000;
    let n = 0;
    while (Date.now() < until) {
      const batch = await Promise.all(Array.from({ length: 5 }, () => writeMemory(gateways[n % 2], stack.key, `outage #${n++}`)));
      acked.push(...batch);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(acked.filter((w) => w.status !== 201)).toEqual([]);
    const during = await queueCounts(stack);
    expect(during.ingest.wait + during.ingest.active + during.ingest.delayed).toBeGreaterThan(0);
    // Nothing is in the store yet, but every acknowledged write, made through either gateway process,
    // is readable from the hot tier through the same typed filter the store uses.
    const redis = new Redis(stack.env.env.REDIS_URL);
    const hot = await new HotTier(redis, stack.env.env.MEMTRACE_REDIS_PREFIX).find({ orgId: stack.orgId, agentId: 'agent_load' });
    await redis.quit();
    const hotIds = new Set(hot.map((r) => r.id));
    expect(acked.filter((w) => !hotIds.has(w.id!))).toEqual([]);
    await stack.arc.setFaults({ down: false });
    const rows = await waitForAcknowledged(stack, acked, 90_000);
    expectOneIdPerContent(rows);
    expect((await queueCounts(stack)).deadLetters).toBe(0);
    await expectNoDuplicatesThroughApi(stack, gateways[1]);
  });

  it('Arc answering 500 to a third of the writes: everything lands, with retries in the metrics', async () => {
    await stack.arc.setFaults({ failWritesRatio: 0.34 });
    const acked = (await writeLoad(gateways, stack.key, 300, 'flaky')).filter((w) => w.status === 201);
    expect(acked).toHaveLength(300);
    await waitForAcknowledged(stack, acked);
    await stack.arc.setFaults({ failWritesRatio: 0 });
    await expectNoDuplicatesThroughApi(stack, gateways[0]);
    const metrics = await (await fetch(`${worker.url('metrics')}/metrics`)).text();
    const retries = Number(/memtrace_ingest_retries_total\{org="[^"]+",stage="write"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    expect(retries).toBeGreaterThan(0);
    expect((await stack.arc.stats()).writes.injected).toBeGreaterThan(0);
  });

  it('gateway SIGTERM under load: every 201 the client received is stored; refused writes store nothing', async () => {
    const victim = await stack.spawn('gateway');
    const load = writeLoad([victim], stack.key, 400, 'sigterm', 20);
    // Stop it once it is demonstrably serving writes, mid-load.
    await waitFor(async () => (await arcRows(stack)).some((r) => r.content.startsWith('sigterm #')), 30_000, 'the first writes through the victim');
    const exitCode = await victim.stop();
    expect({ exitCode, log: exitCode === 0 ? '' : victim.stderr().slice(-2000) }).toEqual({ exitCode: 0, log: '' });
    const outcomes = await load;
    const acked = outcomes.filter((w) => w.status === 201);
    expect(acked.length).toBeGreaterThan(0);
    // In-flight requests complete; requests arriving while it closes get a clean 503, later ones find the port closed.
    expect(outcomes.filter((w) => ![201, 503, 0].includes(w.status))).toEqual([]);
    const rows = await waitForAcknowledged(stack, acked);
    const stored = new Set(rows.map((r) => r.content));
    expect(outcomes.filter((w) => w.status === 503 && stored.has(w.content))).toEqual([]);
  });

  it('a worker SIGTERM under load finishes and confirms its open batches, exits 0, and loses nothing', async () => {
    const victim = await stack.spawn('ingest-worker');
    // A slow store keeps batches open long enough that the SIGTERM lands inside one of the victim's.
    await stack.arc.setFaults({ slowMs: 300 });
    let load: ReturnType<typeof writeLoad>;
    try {
      load = writeLoad(gateways, stack.key, 300, 'worker-sigterm');
      await waitFor(async () => (await batchesInFlight(victim)) > 0, 30_000, 'a batch open in the victim');
      expect(await victim.stop()).toBe(0);
    } finally {
      await stack.arc.setFaults({ slowMs: 0 });
    }
    const acked = (await load).filter((w) => w.status === 201);
    expect(acked).toHaveLength(300);
    await waitForAcknowledged(stack, acked);
  });

  it('an org created and bound after the workers started is picked up without a restart', async () => {
    const cli = (args: string[]) => JSON.parse(runCli(['--json', ...args], stack.env.env).stdout);
    const org = cli(['org', 'create', 'late-org']);
    cli(['org', 'add-arc', org.id, '--url', stack.arc.url, '--database', ARC_DB, '--api-key', ARC_TOKEN]);
    const key = cli(['key', 'create', '--org', org.id, '--name', 'w', '--permissions', 'write']).key;
    const written = await writeMemory(gateways[0], key, 'first memory of a late org');
    expect(written.status).toBe(201);
    await waitForAcknowledged({ ...stack, orgId: org.id }, [written]);
  });

  it('dead-letters jobs that can never succeed, with a metric, and keeps processing the rest', async () => {
    const connection = new Redis(stack.env.env.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(ingestQueueName(stack.orgId), { connection, prefix: ingestBullPrefix(stack.env.env.MEMTRACE_REDIS_PREFIX) });
    const before = (await queueCounts(stack)).deadLetters;
    await queue.add(INGEST_MEMORIES_V1, { v: 1, orgId: stack.orgId, memories: [{ id: 'not-a-uuid' }] });
    await queue.add('ingest.memories.v99', { anything: true });
    // Valid for the contract, but Arc cannot read a time of 1 µs as microseconds: the store rejects the row.
    const rejected = {
      id: '019a8f3c-1b2d-7e4f-8a9b-0c1d2e3f4aff', timeUs: 1, agentId: 'a', sessionId: '', memoryType: 'episodic', eventType: 'general',
      content: 'from 1970', metadata: null, tags: [], dedupKey: '', importance: 0, parentId: '',
    };
    await queue.add(INGEST_MEMORIES_V1, { v: 1, orgId: stack.orgId, memories: [rejected] });
    const fine = await writeMemory(gateways[0], stack.key, 'written next to poison');
    await waitFor(async () => (await queueCounts(stack)).deadLetters === before + 3, 30_000, 'three dead letters');
    await waitForAcknowledged(stack, [fine]);
    await queue.close();
    await connection.quit();
    const metrics = (await Promise.all(stack.apps.filter((a) => a.child.exitCode === null && a.child.signalCode === null).map((a) => fetch(`${a.url('metrics')}/metrics`).then((r) => r.text()).catch(() => ''))))
      .join('\n');
    const count = (reason: string) =>
      [...metrics.matchAll(new RegExp(`memtrace_ingest_dead_letters_total\\{org="${stack.orgId}",reason="${reason}"\\} (\\d+)`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
    expect(count('invalid-payload')).toBe(2);
    expect(count('store-rejected')).toBe(1);
  });

  it('bad input gets the right 4xx and enqueues nothing', async () => {
    // Let earlier tests' jobs finish, so the counts below can only move because of this test.
    await waitFor(async () => {
      const c = await queueCounts(stack);
      return c.ingest.wait + c.ingest.active + c.ingest.delayed === 0 && c.hotTier === 0;
    }, 60_000, 'an idle ingest queue');
    const before = await queueCounts(stack);
    const storedBefore = (await arcRows(stack)).length;
    // node:http rather than fetch: for an oversized body the server answers 413 and closes before the
    // client has sent everything, which fetch reports as EPIPE instead of the response.
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      new Promise<{ status: number; error: string }>((resolve, reject) => {
        const request = http.request(`${gateways[0].url()}/api/v1/memories`, { method: 'POST', headers: { 'x-api-key': stack.key, ...headers } }, (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, error: (JSON.parse(text) as { error: string }).error }));
        });
        request.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
        });
        request.end(body);
      });
    const cases: Array<[string, string, number, RegExp]> = [
      ['malformed JSON', '{"agent_id": "a", "content": ', 400, /JSON/i],
      ['wrong type', JSON.stringify({ agent_id: 'a', content: 42 }), 400, /content must be a string/],
      ['unknown memory_type', JSON.stringify({ agent_id: 'a', content: 'x', memory_type: 'dream' }), 400, /^invalid memory_type: dream$/],
      ['bad agent id', JSON.stringify({ agent_id: '1abc', content: 'x' }), 400, /^invalid agent_id: invalid ID format/],
      ['bad session id', JSON.stringify({ agent_id: 'a', content: 'x', session_id: 'has space' }), 400, /^invalid session_id:/],
      ['bad event type', JSON.stringify({ agent_id: 'a', content: 'x', event_type: 'has-hyphen' }), 400, /^invalid event_type: invalid type format/],
      ['bad tag', JSON.stringify({ agent_id: 'a', content: 'x', tags: ['ok', 'not ok'] }), 400, /^invalid tag 'not ok'/],
      ['tag over 64 chars', JSON.stringify({ agent_id: 'a', content: 'x', tags: ['t'.repeat(65)] }), 400, /^invalid tag/],
      ['oversized content', JSON.stringify({ agent_id: 'a', content: 'x'.repeat(64 * 1024 + 1) }), 400, /over the limit of 65536/],
      ['importance out of range', JSON.stringify({ agent_id: 'a', content: 'x', importance: 1.5 }), 400, /importance must be between 0 and 1/],
      [
        'batch with one bad item',
        JSON.stringify({ memories: [{ agent_id: 'a', content: 'fine' }, { agent_id: 'a', content: 'x', memory_type: 'nope' }] }),
        400,
        /^failed to create memory 1: invalid memory_type: nope$/,
      ],
      ['oversized batch', JSON.stringify({ memories: Array.from({ length: 1001 }, (_, i) => ({ agent_id: 'a', content: `b${i}` })) }), 400, /exceeds the limit of 1000/],
      ['empty batch', JSON.stringify({ memories: [] }), 400, /^agent_id is required$/],
      // Declared, not sent: the gateway refuses it from the Content-Length alone (sending 5 MiB races
      // the server's close against the client's write, which can lose the response).
      ['oversized body', '', 413, /too large/i],
      ['not JSON content type', 'agent_id=a', 400, /content is required|invalid request body/],
    ];
    for (const [name, body, status, error] of cases) {
      const headers: Record<string, string> | undefined =
        name === 'not JSON content type'
          ? { 'content-type': 'text/plain' }
          : name === 'oversized body'
            ? { 'content-type': 'application/json', 'content-length': String(5 * 1024 * 1024) }
            : undefined;
      const reply = await post(body, headers);
      expect({ name, status: reply.status }).toEqual({ name, status: name === 'not JSON content type' ? expect.any(Number) : status });
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      if (name !== 'not JSON content type') expect({ name, error: reply.error }).toEqual({ name, error: expect.stringMatching(error) });
    }
    const after = await queueCounts(stack);
    expect(after.ingestTotal).toBe(before.ingestTotal);
    expect(after.hotTier).toBe(0);
    expect((await arcRows(stack)).length).toBe(storedBefore);
  });
});
