import { AppProcess, ARC_DB, ARC_TOKEN, TenantStack, waitFor } from '@memtrace/testing';
import { DEAD_LETTER_QUEUE, ingestBullPrefix, ingestQueueName } from '@memtrace/ingest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** Every (id, content) row of the org (the stack's by default) in the Arc double, duplicates included. */
export async function arcRows(stack: TenantStack, orgId = stack.orgId): Promise<Array<{ id: string; content: string }>> {
  await stack.arc.flush();
  const reply = await fetch(`${stack.arc.url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-arc-database': ARC_DB, authorization: `Bearer ${ARC_TOKEN}` },
    body: JSON.stringify({ sql: `SELECT id, content FROM events WHERE org_id = '${orgId}' ORDER BY time` }),
  });
  const body = (await reply.json()) as { columns: string[]; data: unknown[][] };
  const id = body.columns.indexOf('id');
  const content = body.columns.indexOf('content');
  return body.data.map((row) => ({ id: String(row[id]), content: String(row[content]) }));
}

export interface WriteOutcome {
  status: number;
  id?: string;
  content: string;
}

export async function writeMemory(gateway: AppProcess, key: string, content: string, extra: Record<string, unknown> = {}): Promise<WriteOutcome> {
  try {
    const reply = await fetch(`${gateway.url()}/api/v1/memories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ agent_id: 'agent_load', content, ...extra }),
    });
    const body = (await reply.json()) as { id?: string };
    return { status: reply.status, id: body.id, content };
  } catch {
    return { status: 0, content };
  }
}

/** Writes `count` distinct memories, `concurrency` at a time, round-robin over the gateways. */
export async function writeLoad(gateways: AppProcess[], key: string, count: number, label: string, concurrency = 10): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        outcomes.push(await writeMemory(gateways[n % gateways.length], key, `${label} #${n}`));
      }
    }),
  );
  return outcomes;
}

/** Waits until every acknowledged write is in the store; returns the store rows. */
export async function waitForAcknowledged(stack: TenantStack, acked: WriteOutcome[], timeoutMs = 60_000) {
  let rows: Array<{ id: string; content: string }> = [];
  await waitFor(
    async () => {
      rows = await arcRows(stack);
      const stored = new Set(rows.map((r) => r.id));
      return acked.every((w) => w.id && stored.has(w.id));
    },
    timeoutMs,
    `${acked.length} acknowledged memories in the store`,
  );
  return rows;
}

/** Job counts of the org's ingest queue and of the dead-letter queue. */
export async function queueCounts(stack: TenantStack) {
  const connection = new Redis(stack.env.env.REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = ingestBullPrefix(stack.env.env.MEMTRACE_REDIS_PREFIX);
  const ingest = new Queue(ingestQueueName(stack.orgId), { connection, prefix });
  const dead = new Queue(DEAD_LETTER_QUEUE, { connection, prefix });
  try {
    const [counts, deadCounts, hot] = await Promise.all([
      ingest.getJobCounts('wait', 'delayed', 'active', 'completed', 'failed'),
      dead.getJobCounts('wait', 'completed', 'failed', 'delayed', 'active'),
      connection.zcard(`${stack.env.env.MEMTRACE_REDIS_PREFIX}:hot:${stack.orgId}:time`),
    ]);
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    return { ingest: counts, ingestTotal: total(counts), deadLetters: total(deadCounts), hotTier: hot };
  } finally {
    await Promise.all([ingest.close(), dead.close()]);
    await connection.quit();
  }
}

/**
 * Reads through the whole stack (gateway → query service → store ∪ hot tier) show every memory
 * once: every page of a full list, search, and the agent's stats, against the store's distinct ids.
 */
export async function expectNoDuplicatesThroughApi(stack: TenantStack, gateway: AppProcess) {
  const headers = { 'x-api-key': stack.key, 'content-type': 'application/json' };
  const storedIds = new Set((await arcRows(stack)).map((r) => r.id));
  const listed: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = (await (await fetch(`${gateway.url()}/api/v1/memories?since=24h&limit=1000&offset=${offset}`, { headers })).json()) as {
      memories: Array<{ id: string }>;
      has_more: boolean;
    };
    listed.push(...page.memories.map((m) => m.id));
    if (!page.has_more) break;
  }
  expect({ listed: listed.length, distinct: new Set(listed).size }).toEqual({ listed: storedIds.size, distinct: storedIds.size });
  const search = (await (
    await fetch(`${gateway.url()}/api/v1/search`, { method: 'POST', headers, body: JSON.stringify({ agent_id: 'agent_load', since: '24h', limit: 1000 }) })
  ).json()) as { results: Array<{ id: string }> };
  expect(new Set(search.results.map((m) => m.id)).size).toBe(search.results.length);
  const stats = (await (await fetch(`${gateway.url()}/api/v1/agents/agent_load/stats`, { headers })).json()) as { memory_count: number };
  expect(stats.memory_count).toBe(storedIds.size);
}
