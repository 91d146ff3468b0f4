import { INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PrismaService } from '@memtrace/catalog';
import { INGEST_MEMORIES_V1, IngestMemoriesV1, MemoryRecord } from '@memtrace/contracts';
import { StoreRegistry } from '@memtrace/store';
import { PlatformModule } from '@memtrace/tenancy';
import { createTestEnv, memoryRecord, TestEnv, waitFor } from '@memtrace/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { IngestProducer } from '../admission/ingest.producer';
import { IngestConsumerModule, IngestProducerModule } from '../ingest.module';
import { HotTier } from '../hot-tier/hot-tier';
import { deadLetterQueueName, ingestBullPrefix, ingestQueueName } from '../queues/ingest-queue';
import { IngestHooks } from './ingest-hooks';
import { RefusedBatch } from './org-batcher';
import { IngestScheduler } from './ingest-scheduler';

/** What the scheduler of this suite's app reported (one app per suite; cleared before each test). */
const reported = { stored: [] as MemoryRecord[], refused: [] as RefusedBatch[] };

@Injectable()
class RecordingHooks implements IngestHooks {
  stored(_orgId: string, records: readonly MemoryRecord[]): void {
    reported.stored.push(...records);
  }
  async refused(_orgId: string, batch: RefusedBatch): Promise<void> {
    reported.refused.push(batch);
  }
  async close(): Promise<void> {}
}

/** Resolves once the rows of `ids` were reported stored. */
function storedAll(ids: readonly string[]): Promise<void> {
  return waitFor(() => ids.every((id) => reported.stored.some((r) => r.id === id)), 10_000, `${ids.length} rows reported stored`, 10);
}

/** `n` memories of a job (a job's memories carry no org: the queue is the org's). */
function memories(n: number, content: string): IngestMemoriesV1['memories'] {
  return Array.from({ length: n }, () => {
    const { orgId: _org, ...memory } = memoryRecord({ content });
    return memory;
  });
}

describe('IngestScheduler (real Redis, BullMQ and PostgreSQL; an embedded DuckDB store per org)', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  const queues: Queue[] = [];
  let redis: Redis;

  const queueOf = (orgId: string) => {
    const queue = new Queue(ingestQueueName(orgId), { connection: redis, prefix: ingestBullPrefix(env.config().redis.prefix) });
    queues.push(queue);
    return queue;
  };

  beforeAll(async () => {
    env = await createTestEnv({ MEMTRACE_INGEST_BATCH_MS: '5', MEMTRACE_INGEST_ORG_SLOTS: '2' });
    redis = new Redis(env.config().redis.url, { maxRetriesPerRequest: null });
    @Module({ imports: [PlatformModule.forRoot({ name: 'test', config: env.config(), subscribe: false }), IngestConsumerModule.forRoot(RecordingHooks), IngestProducerModule] })
    class WorkerModule {}
    app = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    const prisma = app.get(PrismaService);
    for (const orgId of ['org_a', 'org_b']) {
      await prisma.organization.create({ data: { id: orgId, name: orgId } });
      await prisma.storeBinding.create({ data: { id: `bind_${orgId}`, orgId, kind: 'duckdb', url: ':memory:', database: 'memtrace', measurement: 'events' } });
    }
  });

  beforeEach(() => {
    reported.stored = [];
    reported.refused = [];
  });

  afterAll(async () => {
    await app.get(IngestScheduler).close();
    await Promise.all(queues.map((q) => q.close()));
    await redis.quit();
    await app.close();
    await env.close();
  });

  it('drains signalled orgs into their stores, completes the jobs and trims the hot tier', async () => {
    const producer = app.get(IngestProducer);
    const hotTier = app.get(HotTier);
    const jobs = { org_a: [memories(3, 'a'), memories(1, 'a')], org_b: [memories(2, 'b')] };
    for (const [orgId, batches] of Object.entries(jobs)) {
      for (const [i, batch] of batches.entries()) {
        await hotTier.add(orgId, batch.map((m) => ({ ...m, orgId })));
        await producer.enqueue({ v: 1, orgId, memories: batch }, `${orgId}-${i}`);
      }
    }
    const ids = Object.values(jobs).flat(2).map((m) => m.id);
    await storedAll(ids);

    for (const [orgId, batches] of Object.entries(jobs)) {
      const store = await app.get(StoreRegistry).forOrg(orgId);
      const rows = await store.query({ filter: { orgId }, order: 'asc', limit: 100 });
      expect(rows.map((r) => r.id)).toEqual(batches.flat().map((m) => m.id));
      // The job completes after its rows are confirmed; the hot tier is trimmed before that.
      await waitFor(async () => (await queueOf(orgId).getJobCounts('completed')).completed === batches.length, 10_000, `${orgId}'s jobs to complete`);
      expect(await hotTier.size(orgId)).toBe(0);
    }
    expect(reported.refused).toEqual([]);
  });

  it('dead-letters a job its contract rejects, with the reason, and goes on with the org\'s other jobs', async () => {
    const queue = queueOf('org_a');
    await queue.add(INGEST_MEMORIES_V1, { v: 1, orgId: 'org_a', memories: [] }, { jobId: 'empty' });
    await queue.add('ingest.memories.v9', { v: 9, orgId: 'org_a' }, { jobId: 'future' });
    // Added behind the bad ones; its enqueue signals the org (jobs added by hand are not signalled).
    const good = memories(1, 'after the bad ones');
    await app.get(IngestProducer).enqueue({ v: 1, orgId: 'org_a', memories: good }, 'good');
    await storedAll(good.map((m) => m.id));

    const deadLetters = new Queue(deadLetterQueueName(), { connection: redis, prefix: ingestBullPrefix(env.config().redis.prefix) });
    queues.push(deadLetters);
    await waitFor(async () => (await deadLetters.count()) === 2, 10_000, 'the two bad jobs in the dead letters');
    const parked = (await deadLetters.getJobs(['waiting'], 0, -1, true)).map((job) => job.data as { jobId: string; kind: string; reason: string });
    expect(parked.map(({ jobId, kind }) => ({ jobId, kind })).sort((x, y) => x.jobId.localeCompare(y.jobId))).toEqual([
      { jobId: 'empty', kind: 'invalid-payload' },
      { jobId: 'future', kind: 'invalid-payload' },
    ]);
    expect(parked.find((p) => p.jobId === 'future')?.reason).toBe("no handler for job name 'ingest.memories.v9'");
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 2 });
  });
});
