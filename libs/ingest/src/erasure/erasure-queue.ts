import { RETENTION_SWEEP_V1, RUN_ERASURE_V1, RunErasureV1 } from '@memtrace/contracts';
import { ERASURE_JOB_OPTIONS, erasureQueueName, ingestBullPrefix } from '../queues/ingest-queue';
import type { RedisClient } from '@memtrace/redis';
import { Queue } from 'bullmq';

const RETENTION_SCHEDULER = 'retention-sweep';

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

  /**
   * The deployment's retention sweep, every `everyMs`: one BullMQ job scheduler whoever registers
   * it (every worker does, idempotently), so each sweep is one job, taken by one worker.
   */
  async scheduleRetention(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(RETENTION_SCHEDULER, { every: everyMs }, { name: RETENTION_SWEEP_V1, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
