import { ERASURE_JOB_OPTIONS, erasureQueueName, ingestBullPrefix, RUN_ERASURE_V1, RunErasureV1 } from '@memtrace/contracts';
import type { RedisClient } from '@memtrace/redis';
import { Queue } from 'bullmq';

/**
 * The producer side of the deployment-wide erasure queue, consumed by the worker tier. One queue,
 * not one per org: erasures are rare, and a run holds no org's ingest back. The job id is the
 * erasure's id, so enqueueing one twice runs it once.
 */
export class ErasureQueue {
  readonly queue: Queue;

  constructor(client: RedisClient, redisPrefix: string, hashTagged = false) {
    this.queue = new Queue(erasureQueueName(hashTagged), { connection: client, prefix: ingestBullPrefix(redisPrefix) });
    // Errors reach the callers of `add`; without a listener BullMQ would print them with console.error.
    this.queue.on('error', () => undefined);
  }

  async add(job: RunErasureV1): Promise<void> {
    await this.queue.add(RUN_ERASURE_V1, job, { ...ERASURE_JOB_OPTIONS, jobId: job.erasureId });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
