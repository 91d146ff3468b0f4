import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { INGEST_MEMORIES_V1, IngestMemoriesV1 } from '@memtrace/contracts';
import { INGEST_JOB_OPTIONS, ingestBullPrefix, ingestOrgsKey, ingestQueueName } from '@memtrace/ingest';
import { ReadyOrgs } from '@memtrace/ingest';
import { AppProcess, ARC_TOKEN, createStack, TenantStack, waitFor } from '@memtrace/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiKeyService } from '../../apps/admin/src/api-keys/api-key.service';
import { cliActor } from '../../apps/admin/src/audit/actor';
import { CliModule } from '../../apps/admin/src/cli/cli.module';
import { OrganizationService } from '../../apps/admin/src/organizations/organization.service';
import { StoreBindingService } from '../../apps/admin/src/store-bindings/store-binding.service';

jest.setTimeout(180_000);

/*
 * Many tenants on one deployment (design §8b): workers drain only the orgs that were signalled, on a
 * bounded number of Redis connections whatever the number of orgs, share the orgs without double
 * processing, do not let one org's backlog hold back another org's first write, and drain jobs
 * queued without a signal (an older release's, or a gateway's that died before signalling).
 */
describe('many tenants: gateway, two ingest workers, Arc double (one database per org)', () => {
  const ORGS = 300;
  let stack: TenantStack;
  let control: INestApplicationContext;
  let redis: Redis;
  let gateway: AppProcess;
  let workers: AppProcess[];
  const tenants: Array<{ orgId: string; key: string; database: string }> = [];

  const metric = async (app: AppProcess, name: string) => {
    const text = await (await fetch(`${app.url('metrics')}/metrics`)).text();
    return text.split('\n').filter((line) => line.startsWith(name)).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };
  const stored = async () => (await Promise.all(workers.map((w) => metric(w, 'memtrace_ingest_rows_written_total')))).reduce((a, b) => a + b, 0);
  const connectionsOf = async (app: AppProcess) => ((await redis.client('LIST')) as string).split('\n').filter((line) => line.includes(` name=memtrace-${app.child.pid} `)).length;
  const arcCount = async (database: string, content: string) => {
    await stack.arc.flush();
    const reply = await fetch(`${stack.arc.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-arc-database': database, authorization: `Bearer ${ARC_TOKEN}` },
      body: JSON.stringify({ sql: `SELECT COUNT(*) AS n FROM events WHERE content = '${content}'` }),
    });
    const body = (await reply.json()) as { data?: unknown[][] };
    return Number(body.data?.[0]?.[0] ?? 0);
  };

  beforeAll(async () => {
    stack = await createStack({ env: { MEMTRACE_INGEST_ORG_SLOTS: '2', MEMTRACE_WORKER_IDLE_CLOSE_MS: '3000' } });
    redis = new Redis(stack.env.env.REDIS_URL);
    control = await NestFactory.createApplicationContext(CliModule.forRoot(stack.env.config()), { logger: false });
    const actor = cliActor('e2e');
    for (let i = 0; i < ORGS; i++) {
      const org = await control.get(OrganizationService).create(actor, `tenant-${i}`);
      const database = `tenant_${i}`;
      await control.get(StoreBindingService).set(actor, org.id, { kind: 'arc', url: stack.arc.url, database, measurement: 'events', token: ARC_TOKEN }, { replace: false });
      const { key } = await control.get(ApiKeyService).create(actor, org.id, { name: 'writer', scopes: ['read', 'write'] });
      tenants.push({ orgId: org.id, key, database });
    }
    gateway = await stack.spawn('gateway');
    workers = [await stack.spawn('ingest-worker'), await stack.spawn('ingest-worker')];
  });
  afterAll(async () => {
    await control?.close();
    redis?.disconnect();
    await stack?.close();
  });

  it('writes to 300 orgs land once each; each worker keeps the same few Redis connections; idle orgs leave the signal set', async () => {
    // A worker's connections: the shared one, one blocking wait for signals, one pub/sub subscriber,
    // the erasure queue's BullMQ Worker (all four named after the process), and the blocking
    // duplicate BullMQ makes of the last, which it names after the queue (the last ones may still be
    // connecting just after start). None of them is per org.
    const WORKER_CONNECTIONS = 4;
    // By this stack's prefix: suites running beside this one on the same Redis have workers too.
    const bullNamed = ` name=${ingestBullPrefix(stack.env.env.MEMTRACE_REDIS_PREFIX)}:`;
    const erasureBlockingConnections = async () => ((await redis.client('LIST')) as string).split('\n').filter((line) => line.includes(bullNamed)).length;
    await waitFor(async () => (await Promise.all(workers.map(connectionsOf))).every((n) => n === WORKER_CONNECTIONS), 10_000, 'the workers connected');
    await waitFor(async () => (await erasureBlockingConnections()) === workers.length, 10_000, "the erasure queue's blocking connections");
    const baseline = await stored();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < ORGS * 2) {
          const n = next++;
          const tenant = tenants[n % ORGS];
          const reply = await fetch(`${gateway.url()}/api/v1/memories`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': tenant.key },
            body: JSON.stringify({ agent_id: 'agent_1', content: `scale ${n}` }),
          });
          expect(reply.status).toBe(201);
        }
      }),
    );
    await waitFor(async () => (await stored()) - baseline >= ORGS * 2, 90_000, 'every write stored');
    // Both workers took part, and none of the 600 memories was stored twice.
    const perWorker = await Promise.all(workers.map((w) => metric(w, 'memtrace_ingest_rows_written_total')));
    expect(perWorker.every((n) => n > 0)).toBe(true);
    expect((await stored()) - baseline).toBe(ORGS * 2);
    expect(await arcCount(tenants[7].database, 'scale 7')).toBe(1);
    expect(await arcCount(tenants[7].database, `scale ${ORGS + 7}`)).toBe(1);

    // Connections do not follow the number of orgs (the bound is 16).
    expect(await Promise.all(workers.map(connectionsOf))).toEqual([WORKER_CONNECTIONS, WORKER_CONNECTIONS]);
    expect(await erasureBlockingConnections()).toBe(workers.length);

    // Once their jobs are done, orgs leave the signal set and their consumers close: they cost nothing.
    const ready = new ReadyOrgs(redis, stack.env.env.MEMTRACE_REDIS_PREFIX);
    await waitFor(async () => (await ready.dueCount()) === 0, 30_000, 'every org found empty');
    await waitFor(async () => (await Promise.all(workers.map((w) => metric(w, 'memtrace_ingest_active_orgs')))).every((n) => n === 0), 40_000, 'idle consumers closed');
  });

  it("a backlog of 50,000 jobs in one org does not hold back another org's first write", async () => {
    const [busy, quiet] = [tenants[0], tenants[1]];
    const queue = new Queue(ingestQueueName(busy.orgId), { connection: redis, prefix: ingestBullPrefix(stack.env.env.MEMTRACE_REDIS_PREFIX) });
    const BACKLOG = 50_000;
    for (let i = 0; i < BACKLOG; i += 5_000) {
      await queue.addBulk(
        Array.from({ length: 5_000 }, (_, j) => {
          const id = randomUUID();
          return { name: INGEST_MEMORIES_V1, data: job(busy.orgId, id, `backlog ${i + j}`), opts: { ...INGEST_JOB_OPTIONS, jobId: id } };
        }),
      );
    }
    await new ReadyOrgs(redis, stack.env.env.MEMTRACE_REDIS_PREFIX).signal(busy.orgId);
    // The workers are draining the backlog.
    await waitFor(async () => (await queue.getWaitingCount()) < BACKLOG - 2_000, 60_000, 'backlog being drained');

    const reply = await fetch(`${gateway.url()}/api/v1/memories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': quiet.key },
      body: JSON.stringify({ agent_id: 'agent_1', content: 'first write of the quiet org' }),
    });
    expect(reply.status).toBe(201);
    await waitFor(async () => (await arcCount(quiet.database, 'first write of the quiet org')) === 1, 30_000, "the quiet org's write stored");
    // Stored while most of the other org's backlog was still waiting: it did not queue behind it.
    expect(await queue.getWaitingCount()).toBeGreaterThan(BACKLOG / 2);
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('jobs queued without a signal (an older release, a gateway that died before signalling) are drained when a worker starts', async () => {
    const tenant = tenants[2];
    const queue = new Queue(ingestQueueName(tenant.orgId), { connection: redis, prefix: ingestBullPrefix(stack.env.env.MEMTRACE_REDIS_PREFIX) });
    const id = randomUUID();
    await queue.add(INGEST_MEMORIES_V1, job(tenant.orgId, id, 'queued without a signal'), { ...INGEST_JOB_OPTIONS, jobId: id });
    await redis.sadd(ingestOrgsKey(stack.env.env.MEMTRACE_REDIS_PREFIX), tenant.orgId);
    await queue.close();
    // The running workers are not told; a restarted one finds it.
    const worker = workers.pop() as AppProcess;
    await worker.stop();
    workers.push(await stack.spawn('ingest-worker'));
    await waitFor(async () => (await arcCount(tenant.database, 'queued without a signal')) === 1, 30_000, 'the unsignalled job stored');
  });
});

/** A job exactly as the gateway queues it (the v1 contract). */
function job(orgId: string, id: string, content: string): IngestMemoriesV1 {
  return {
    v: 1,
    orgId,
    memories: [
      { id, timeUs: Date.now() * 1000, agentId: 'agent_1', sessionId: '', memoryType: 'episodic', eventType: 'general', content, metadata: null, tags: [], dedupKey: '', importance: 0, parentId: '' },
    ],
  };
}
