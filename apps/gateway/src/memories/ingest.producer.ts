import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { INGEST_JOB_OPTIONS, INGEST_MEMORIES_V1, IngestMemoriesV1, ingestQueueName } from '@memtrace/contracts';
import { RedisService } from '@memtrace/redis';
import { Queue } from 'bullmq';

/** The Redis set of orgs that have ever had an ingest queue: the worker registry's discovery list. */
export function ingestOrgsKey(redis: RedisService): string {
  return redis.key('ingest', 'orgs');
}

/** BullMQ keys live under the deployment prefix too, so deployments and tests never mix queues. */
export function bullPrefix(redis: RedisService): string {
  return redis.key('bull');
}

/** Puts one write request (1..N memories) into its org's queue as one job. */
@Injectable()
export class IngestProducer implements OnModuleDestroy {
  private readonly queues = new Map<string, Queue>();
  private readonly announced = new Set<string>();

  constructor(private readonly redis: RedisService) {}

  async enqueue(payload: IngestMemoriesV1): Promise<void> {
    const queue = this.queueFor(payload.orgId);
    // The first memory's id makes a retried enqueue of the same request idempotent.
    await queue.add(INGEST_MEMORIES_V1, payload, { ...INGEST_JOB_OPTIONS, jobId: payload.memories[0].id });
    if (!this.announced.has(payload.orgId)) {
      await this.redis.client.sadd(ingestOrgsKey(this.redis), payload.orgId);
      this.announced.add(payload.orgId);
    }
  }

  private queueFor(orgId: string): Queue {
    let queue = this.queues.get(orgId);
    if (!queue) {
      queue = new Queue(ingestQueueName(orgId), { connection: this.redis.client, prefix: bullPrefix(this.redis) });
      this.queues.set(orgId, queue);
    }
    return queue;
  }

  async onModuleDestroy() {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
