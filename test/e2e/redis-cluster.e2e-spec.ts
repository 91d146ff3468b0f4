import { ingestBullPrefix, ingestQueueName } from '@memtrace/ingest';
import { AppProcess, createStack, httpRequest, RedisClusterProcess, spawnRedisCluster, TenantStack, waitFor } from '@memtrace/testing';
import { Cluster } from 'ioredis';
import { arcRows, waitForAcknowledged, writeLoad, writeMemory } from './ingest-fixtures';

jest.setTimeout(180_000);

/*
 * The queue tier on a real three-master Redis Cluster (REDIS_CLUSTER_NODES): every key of one org
 * in the org's slot, and the whole write path on it — writes, read-your-writes, worker drain, dedup,
 * key revocation over pub/sub, and a worker kill -9 that loses nothing acknowledged.
 */
describe('Redis Cluster (three masters): gateway, query, ingest worker, Arc double', () => {
  let cluster: RedisClusterProcess;
  let stack: TenantStack;
  let redis: Cluster;
  let gateway: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    cluster = await spawnRedisCluster();
    // A long auth cache: a revoked key can only stop working this fast through pub/sub.
    stack = await createStack({ env: { REDIS_CLUSTER_NODES: cluster.nodes, MEMTRACE_AUTH_CACHE_TTL_MS: '600000' } });
    redis = new Cluster(cluster.nodes.split(',').map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })));
    await stack.spawn('query');
    worker = await stack.spawn('ingest-worker');
    gateway = await stack.spawn('gateway');
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
    await cluster?.stop();
  });

  it('writes are read back at once and drained to the store; a duplicate is 409', async () => {
    const acked = await writeLoad([gateway], stack.key, 100, 'cluster', 10);
    expect(acked.filter((w) => w.status !== 201)).toEqual([]);
    for (const write of acked.slice(0, 20)) {
      expect(await httpRequest(gateway, 'GET', `/api/v1/memories/${write.id}`, { key: stack.key })).toMatchObject({ status: 200, body: { id: write.id, content: write.content } });
    }
    const list = await httpRequest(gateway, 'GET', '/api/v1/memories?agent_id=agent_load&limit=1000&since=1h', { key: stack.key });
    expect(list.body.count).toBe(100);
    const rows = await waitForAcknowledged(stack, acked);
    expect(new Set(rows.map((r) => r.id)).size).toBe(100);

    const first = await writeMemory(gateway, stack.key, 'deduplicated', { dedup_key: 'cluster-dedup-1' });
    const second = await writeMemory(gateway, stack.key, 'deduplicated again', { dedup_key: 'cluster-dedup-1' });
    expect([first.status, second.status]).toEqual([201, 409]);
  });

  it("every key of the org is in the org's slot", async () => {
    const prefix = stack.env.env.MEMTRACE_REDIS_PREFIX;
    const keys: string[] = [];
    for (const node of redis.nodes('master')) keys.push(...(await node.keys(`${prefix}:*`)));
    const orgKeys = keys.filter((key) => key.includes(stack.orgId));
    // Its queue (BullMQ's keys), dedup claims and idempotency records, at least.
    expect(orgKeys.some((key) => key.startsWith(`${ingestBullPrefix(prefix)}:${ingestQueueName(stack.orgId, true)}:`))).toBe(true);
    expect(orgKeys.some((key) => key.startsWith(`${prefix}:dedup:`))).toBe(true);
    const slots = new Set(await Promise.all(orgKeys.map((key) => redis.cluster('KEYSLOT', key))));
    expect(slots.size).toBe(1);
    expect([...slots][0]).toBe(await redis.cluster('KEYSLOT', stack.orgId));
  });

  it('a revoked key stops working at once (pub/sub on the cluster), although the auth cache lasts 10 minutes', async () => {
    const { key, id } = stack.cli(['key', 'create', '--org', stack.orgId, '--name', 'soon-revoked', '--permissions', 'read']);
    expect((await httpRequest(gateway, 'GET', '/api/v1/agents', { key })).status).toBe(200);
    stack.cli(['key', 'revoke', String(id)]);
    await waitFor(async () => (await httpRequest(gateway, 'GET', '/api/v1/agents', { key })).status === 401, 10_000, 'the revocation to reach the gateway');
  });

  it('kill -9 of the worker while it holds jobs, then a restart: every acknowledged write is stored', async () => {
    await stack.arc.setFaults({ slowMs: 400 });
    const load = writeLoad([gateway], stack.key, 200, 'cluster-crash', 10);
    const active = `${ingestBullPrefix(stack.env.env.MEMTRACE_REDIS_PREFIX)}:${ingestQueueName(stack.orgId, true)}:active`;
    // The worker holds jobs (taken, not yet confirmed): kill it then.
    await waitFor(async () => (await redis.llen(active)) > 0, 30_000, 'jobs held by the worker');
    worker.child.kill('SIGKILL');
    const acked = (await load).filter((w) => w.status === 201);
    expect(acked).toHaveLength(200);
    await stack.arc.setFaults({ slowMs: 0 });
    worker = await stack.spawn('ingest-worker');
    const rows = await waitForAcknowledged(stack, acked, 90_000);
    const ids = new Set(rows.filter((r) => r.content.startsWith('cluster-crash')).map((r) => r.id));
    expect(ids.size).toBe(200);
    expect((await arcRows(stack)).length).toBeGreaterThanOrEqual(300);
  });
});
