import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppError, IngestMemoriesV1, MemoryWire } from '@memtrace/contracts';
import { HotTier, ingestBullPrefix, ingestQueueName, IngestProducer, WriteGroups, WriteStateModule } from '@memtrace/ingest';
import { PrismaService } from '@memtrace/catalog';
import { createTestEnv, TestEnv } from '@memtrace/testing';
import { PlatformModule } from '@memtrace/tenancy';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { IdempotencyService } from './idempotency.service';
import { MemoryWriteService } from './memory-write.service';
import { parseMemoryWrite } from './create-memories.pipe';

const LIMITS = { maxContentBytes: 65_536, maxBatchSize: 1000, maxTags: 20, maxMetadataBytes: 16_384 };
/** A body as the controller's pipe hands it on, validated. */
const write = (body: unknown) => parseMemoryWrite(body, LIMITS);

/** A producer whose Redis is unreachable: every enqueue fails, as in an outage of the queue. */
class UnreachableQueue {
  calls = 0;
  enqueue(_payload: IngestMemoriesV1): Promise<void> {
    this.calls += 1;
    return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  }
}

describe('MemoryWriteService (real Redis and PostgreSQL)', () => {
  let env: TestEnv;
  const contexts: INestApplicationContext[] = [];

  async function writer(producer?: unknown): Promise<INestApplicationContext> {
    @Module({
      imports: [PlatformModule.forRoot({ name: 'test', config: env.config(), subscribe: false }), WriteStateModule],
      providers: [IdempotencyService, MemoryWriteService, WriteGroups, producer ? { provide: IngestProducer, useValue: producer } : IngestProducer],
    })
    class WriterModule {}
    const ctx = await NestFactory.createApplicationContext(WriterModule, { logger: false });
    contexts.push(ctx);
    return ctx;
  }

  beforeAll(async () => {
    env = await createTestEnv();
    const prisma = (await writer()).get(PrismaService);
    await prisma.organization.create({ data: { id: 'org_default', name: 'Default' } });
    // Writes only need the org to have a binding; this test never reaches the store.
    await prisma.storeBinding.create({
      data: { id: 'bind_test', orgId: 'org_default', kind: 'duckdb', url: ':memory:', database: 'memtrace', measurement: 'events' },
    });
  });

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await env.close();
  });

  it('gives dedup claims back and leaves no trace when the enqueue fails, so a retry is accepted', async () => {
    const failing = await writer(new UnreachableQueue());
    const body = { agent_id: 'agent_1', content: 'written while the queue is down' };
    const error = await failing.get(MemoryWriteService).create('org_default', write(body), 'req-1').catch((e: AppError) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 503, message: 'could not queue the write; nothing was stored' });
    expect(await failing.get(HotTier).find({ orgId: 'org_default' })).toEqual([]);

    const working = await writer();
    await expect(working.get(MemoryWriteService).create('org_default', write(body), 'req-2')).resolves.toMatchObject({ content: body.content });
    await expect(working.get(MemoryWriteService).create('org_default', write(body), 'req-3')).rejects.toMatchObject({ status: 409, message: 'duplicate memory' });
  });

  it('uses a client-supplied dedup_key as the key, whatever the content', async () => {
    const ctx = await writer();
    const service = ctx.get(MemoryWriteService);
    const first = await service.create('org_default', write({ agent_id: 'a', content: 'one text', dedup_key: 'order-4711' }), 'r1');
    expect(first).toMatchObject({ dedup_key: 'order-4711' });
    await expect(service.create('org_default', write({ agent_id: 'b', content: 'another text', dedup_key: 'order-4711' }), 'r2')).rejects.toMatchObject({
      status: 409,
    });
    const batch = await service.create('org_default', write({ memories: [{ agent_id: 'a', content: 'x', dedup_key: 'k1' }, { agent_id: 'a', content: 'y', dedup_key: 'k1' }, { agent_id: 'a', content: 'z', dedup_key: 'order-4711' }] }), 'r3');
    expect(batch).toMatchObject({ count: 1, memories: [{ content: 'x', dedup_key: 'k1' }] });
  });

  describe('group commit', () => {
    /** The org's queued jobs, oldest first. */
    async function jobs(orgId: string): Promise<IngestMemoriesV1[]> {
      const connection = new Redis(env.config().redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue(ingestQueueName(orgId), { connection, prefix: ingestBullPrefix(env.config().redis.prefix) });
      try {
        return (await queue.getJobs(['waiting', 'prioritized'], 0, -1, true)).map((job) => job.data as IngestMemoriesV1);
      } finally {
        await queue.close();
        await connection.quit();
      }
    }

    async function orgWithBinding(orgId: string) {
      const prisma = (await writer()).get(PrismaService);
      await prisma.organization.create({ data: { id: orgId, name: orgId } });
      await prisma.storeBinding.create({ data: { id: `bind_${orgId}`, orgId, kind: 'duckdb', url: ':memory:', database: 'memtrace', measurement: 'events' } });
    }

    it('queues the writes of one org that arrive together as one job, each request answered with its own memories', async () => {
      await orgWithBinding('org_group');
      const service = (await writer()).get(MemoryWriteService);
      const answers = (await Promise.all(
        Array.from({ length: 20 }, (_, i) => service.create('org_group', write(i === 7 ? { memories: [{ agent_id: 'a', content: 'batch 1' }, { agent_id: 'a', content: 'batch 2' }] } : { agent_id: 'a', content: `single ${i}` }), `r${i}`)),
      )) as Array<MemoryWire | { memories: MemoryWire[] }>;
      expect((answers[7] as { memories: MemoryWire[] }).memories.map((m) => m.content)).toEqual(['batch 1', 'batch 2']);
      expect((answers[3] as MemoryWire).content).toBe('single 3');
      const queued = await jobs('org_group');
      expect(queued).toHaveLength(1);
      expect(queued[0].memories).toHaveLength(21);
      const ids = answers.flatMap((a) => ('memories' in a ? a.memories.map((m) => m.id) : [a.id]));
      expect(queued[0].memories.map((m) => m.id).sort()).toEqual([...ids].sort());
      expect((await (await writer()).get(HotTier).find({ orgId: 'org_group' })).map((r) => r.id).sort()).toEqual([...ids].sort());
    });

    it('resolves duplicates inside a group as across groups: the first wins, the others are 409s and queue nothing', async () => {
      await orgWithBinding('org_dupes');
      const service = (await writer()).get(MemoryWriteService);
      const body = { agent_id: 'a', content: 'said five times at once' };
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => service.create('org_dupes', write(body), `d${i}`)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual(Array(4).fill(expect.objectContaining({ status: 409 })));
      expect((await jobs('org_dupes')).flatMap((j) => j.memories)).toHaveLength(1);
    });

    it('keeps orgs apart: a group never mixes orgs', async () => {
      await Promise.all([orgWithBinding('org_g1'), orgWithBinding('org_g2')]);
      const service = (await writer()).get(MemoryWriteService);
      await Promise.all(['org_g1', 'org_g2', 'org_g1', 'org_g2'].map((org, i) => service.create(org, write({ agent_id: 'a', content: `m${i}` }), `o${i}`)));
      expect((await jobs('org_g1')).flatMap((j) => j.memories.map((m) => m.content))).toEqual(['m0', 'm2']);
      expect((await jobs('org_g2')).flatMap((j) => j.memories.map((m) => m.content))).toEqual(['m1', 'm3']);
    });

    it('fails every request of a failed group with a 503 and leaves no claim or row behind', async () => {
      await orgWithBinding('org_fail');
      const queue = new UnreachableQueue();
      const failing = await writer(queue);
      const bodies = Array.from({ length: 6 }, (_, i) => ({ agent_id: 'a', content: `lost ${i}` }));
      const results = await Promise.allSettled(bodies.map((body, i) => failing.get(MemoryWriteService).create('org_fail', write(body), `f${i}`)));
      expect(queue.calls).toBe(1);
      expect(results.map((r) => (r as PromiseRejectedResult).reason?.status)).toEqual(Array(6).fill(503));
      expect(await failing.get(HotTier).find({ orgId: 'org_fail' })).toEqual([]);
      const working = (await writer()).get(MemoryWriteService);
      await expect(Promise.all(bodies.map((body, i) => working.create('org_fail', write(body), `w${i}`)))).resolves.toHaveLength(6);
    });

    it('does not let a retried request drop the memories it shares a group with', async () => {
      await orgWithBinding('org_retry');
      const service = (await writer()).get(MemoryWriteService);
      const keyed = { key: 'retry-me', fingerprint: 'f' };
      // The first attempt's job exists under its first memory's id (an ambiguous 503 would leave it so).
      await service.create('org_retry', write({ agent_id: 'a', content: 'keyed' }), 'k1', keyed);
      const [, other] = await Promise.all([
        service.create('org_retry', write({ agent_id: 'a', content: 'keyed' }), 'k2', keyed),
        service.create('org_retry', write({ agent_id: 'a', content: 'written beside the retry' }), 'k3'),
      ]);
      const queued = (await jobs('org_retry')).flatMap((j) => j.memories.map((m) => m.id));
      expect(queued).toContain((other as MemoryWire).id);
    });
  });
});

