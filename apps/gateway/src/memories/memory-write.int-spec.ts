import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppError, IngestMemoriesV1 } from '@memtrace/contracts';
import { PrismaService } from '@memtrace/catalog';
import { HotTier, StoreModule } from '@memtrace/store';
import { createTestEnv, TestEnv } from '@memtrace/testing';
import { TenancyModule } from '@memtrace/tenancy';
import { DedupService } from '@memtrace/ingest';
import { IngestProducer } from './ingest.producer';
import { IdempotencyService } from './idempotency.service';
import { MemoryWriteService } from './memory-write.service';

/** A producer whose Redis is unreachable: every enqueue fails, as in an outage of the queue. */
class UnreachableQueue {
  enqueue(_payload: IngestMemoriesV1): Promise<void> {
    return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  }
}

describe('MemoryWriteService (real Redis and PostgreSQL)', () => {
  let env: TestEnv;
  const contexts: INestApplicationContext[] = [];

  async function writer(producer?: unknown): Promise<INestApplicationContext> {
    @Module({
      imports: [TenancyModule.forRoot({ name: 'test', config: env.config(), subscribe: false }), StoreModule],
      providers: [DedupService, IdempotencyService, MemoryWriteService, producer ? { provide: IngestProducer, useValue: producer } : IngestProducer],
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
    const error = await failing.get(MemoryWriteService).create('org_default', body, 'req-1').catch((e: AppError) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 503, message: 'could not queue the write; nothing was stored' });
    expect(await failing.get(HotTier).find({ orgId: 'org_default' })).toEqual([]);

    const working = await writer();
    await expect(working.get(MemoryWriteService).create('org_default', body, 'req-2')).resolves.toMatchObject({ content: body.content });
    await expect(working.get(MemoryWriteService).create('org_default', body, 'req-3')).rejects.toMatchObject({ status: 409, message: 'duplicate memory' });
  });

  it('uses a client-supplied dedup_key as the key, whatever the content', async () => {
    const ctx = await writer();
    const service = ctx.get(MemoryWriteService);
    const first = await service.create('org_default', { agent_id: 'a', content: 'one text', dedup_key: 'order-4711' }, 'r1');
    expect(first).toMatchObject({ dedup_key: 'order-4711' });
    await expect(service.create('org_default', { agent_id: 'b', content: 'another text', dedup_key: 'order-4711' }, 'r2')).rejects.toMatchObject({
      status: 409,
    });
    const batch = await service.create('org_default', { memories: [{ agent_id: 'a', content: 'x', dedup_key: 'k1' }, { agent_id: 'a', content: 'y', dedup_key: 'k1' }, { agent_id: 'a', content: 'z', dedup_key: 'order-4711' }] }, 'r3');
    expect(batch).toMatchObject({ count: 1, memories: [{ content: 'x', dedup_key: 'k1' }] });
  });
});
