import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { deadLetterQueueName, ingestBullPrefix } from '../queues/ingest-queue';
import { ErrorThrottle, LOGGER, Metrics } from '@memtrace/observability';
import { RedisService } from '@memtrace/redis';
import { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';

/**
 * Parks jobs that can never succeed (a payload failing its schema, rows the store rejects as
 * invalid, rows a store whose binding is wrong kept refusing, a job that exhausted its
 * re-deliveries) with their payload and the reason, so an
 * operator can inspect and replay them. Nothing leaves a queue without landing here or in the store.
 */
@Injectable()
export class DeadLetterService implements OnModuleDestroy {
  private readonly queue: Queue;

  constructor(
    redis: RedisService,
    config: AppConfig,
    private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = new Queue(deadLetterQueueName(redis.cluster), { connection: redis.client, prefix: ingestBullPrefix(config.redis.prefix) });
    // Without a listener BullMQ prints each of its connection's errors with console.error.
    new ErrorThrottle(logger, 'dead-letter queue error').watch(this.queue);
  }

  async park(orgId: string, job: Job, reason: string, kind: 'invalid-payload' | 'store-rejected' | 'store-refused' | 'exhausted'): Promise<void> {
    await this.queue.add(
      'dead-letter',
      { orgId, queue: job.queueName, jobId: job.id, jobName: job.name, reason, kind, payload: job.data, parkedAt: new Date().toISOString() },
      { jobId: `${job.queueName}-${job.id}`, removeOnComplete: false, removeOnFail: false },
    );
    this.metrics.deadLetters.inc({ org: this.metrics.org(orgId), reason: kind });
    this.logger.error({ orgId, queue: job.queueName, jobId: job.id, kind, reason }, 'ingest job dead-lettered');
  }

  async onModuleDestroy() {
    await this.queue.close();
  }
}
