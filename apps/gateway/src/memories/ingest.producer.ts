import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { INGEST_JOB_OPTIONS, INGEST_MEMORIES_V1, IngestMemoriesV1, ingestBullPrefix, ingestOrgsKey, ingestQueueName } from '@memtrace/contracts';
import { ErrorThrottle, LOGGER } from '@memtrace/observability';
import { RedisService } from '@memtrace/redis';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';

/** Puts one write request (1..N memories) into its org's queue as one job. */
@Injectable()
export class IngestProducer implements OnModuleDestroy {
  private readonly queues = new Map<string, Queue>();
  private readonly announced = new Set<string>();
  /** Without a listener BullMQ prints each of its connection's errors with console.error. */
  private readonly queueErrors: ErrorThrottle;

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.queueErrors = new ErrorThrottle(logger, 'ingest queue error');
  }

  async enqueue(payload: IngestMemoriesV1): Promise<void> {
    const queue = this.queueFor(payload.orgId);
    // The first memory's id makes a retried enqueue of the same request idempotent.
    await queue.add(INGEST_MEMORIES_V1, payload, { ...INGEST_JOB_OPTIONS, jobId: payload.memories[0].id });
    if (!this.announced.has(payload.orgId)) {
      await this.redis.client.sadd(ingestOrgsKey(this.config.redis.prefix), payload.orgId);
      this.announced.add(payload.orgId);
    }
  }

  private queueFor(orgId: string): Queue {
    let queue = this.queues.get(orgId);
    if (!queue) {
      queue = new Queue(ingestQueueName(orgId), { connection: this.redis.client, prefix: ingestBullPrefix(this.config.redis.prefix) });
      this.queueErrors.watch(queue, { fields: { orgId } });
      this.queues.set(orgId, queue);
    }
    return queue;
  }

  async onModuleDestroy() {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
