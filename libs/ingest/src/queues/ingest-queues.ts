import { ingestBullPrefix, ingestQueueName } from './ingest-queue';
import { ErrorThrottle } from '@memtrace/observability';
import { Queue } from 'bullmq';
import type { RedisClient } from '@memtrace/redis';
import type { Logger } from 'pino';

/** Events kept in each org queue's stream (nothing here reads them; BullMQ's default is 10,000). */
const EVENTS_PER_QUEUE = 100;

/**
 * The per-org BullMQ `Queue` handles of a process, all on one shared connection (a `Queue` opens
 * none of its own when given a client). Handles of orgs not used for `idleMs` are dropped, so the
 * cost follows the orgs that are active, not every org ever seen.
 */
export class IngestQueues {
  private readonly queues = new Map<string, { queue: Queue; usedAt: number }>();
  /** Without a listener BullMQ prints each of its connection's errors with console.error. */
  private readonly errors: ErrorThrottle;

  constructor(
    private readonly client: RedisClient,
    private readonly redisPrefix: string,
    logger: Logger,
    /** A Redis Cluster: queue names carry the org as a hash tag (`ingestQueueName`). */
    private readonly hashTagged = false,
    private readonly idleMs = 60_000,
  ) {
    this.errors = new ErrorThrottle(logger, 'ingest queue error');
  }

  get(orgId: string): Queue {
    const now = Date.now();
    const entry = this.queues.get(orgId);
    if (entry) {
      entry.usedAt = now;
      return entry.queue;
    }
    if (this.queues.size > 0 && this.queues.size % 256 === 0) this.dropIdle(now);
    const queue = new Queue(ingestQueueName(orgId, this.hashTagged), {
      connection: this.client,
      prefix: ingestBullPrefix(this.redisPrefix),
      // BullMQ keeps 10,000 events per queue by default: ~1 MB of Redis per org, times every org.
      streams: { events: { maxLen: EVENTS_PER_QUEUE } },
    });
    this.errors.watch(queue, { fields: { orgId } });
    this.queues.set(orgId, { queue, usedAt: now });
    return queue;
  }

  get size(): number {
    return this.queues.size;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map(({ queue }) => queue.close()));
    this.queues.clear();
  }

  private dropIdle(now: number) {
    for (const [orgId, { queue, usedAt }] of this.queues) {
      if (now - usedAt > this.idleMs) {
        this.queues.delete(orgId);
        void queue.close().catch(() => undefined);
      }
    }
  }
}
