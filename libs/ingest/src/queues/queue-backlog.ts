import { ingestBullPrefix, ingestQueueName } from './ingest-queue';
import type { RedisClient } from '@memtrace/redis';
import { QueueKeys } from 'bullmq';

/** Jobs of one org queue by state, read straight from BullMQ's keys (one command each, no script). */
export interface QueueCounts {
  waiting: number;
  active: number;
  prioritized: number;
  delayed: number;
}

/** What an autoscaler scales ingest workers on: jobs no worker has taken yet, summed over orgs. */
export interface Backlog {
  /** waiting + prioritized + delayed. */
  backlog: number;
  waiting: number;
  prioritized: number;
  delayed: number;
  /** Orgs measured (those signalled as having work). */
  orgs: number;
}

/** Orgs measured at once; single commands, auto-pipelined (on a cluster, each to its org's node). */
const CHUNK = 200;

export class QueueBacklog {
  private readonly keys: QueueKeys;

  constructor(
    private readonly client: RedisClient,
    redisPrefix: string,
    private readonly hashTagged: boolean,
  ) {
    this.keys = new QueueKeys(ingestBullPrefix(redisPrefix));
  }

  async counts(orgId: string): Promise<QueueCounts> {
    const queue = this.keys.getKeys(ingestQueueName(orgId, this.hashTagged));
    const [waiting, active, prioritized, delayed] = await Promise.all([
      this.client.llen(queue.wait),
      this.client.llen(queue.active),
      this.client.zcard(queue.prioritized),
      this.client.zcard(queue.delayed),
    ]);
    return { waiting, active, prioritized, delayed };
  }

  /** Counts of each org, `CHUNK` orgs at a time. */
  async *each(orgIds: readonly string[]): AsyncGenerator<[string, QueueCounts]> {
    for (let i = 0; i < orgIds.length; i += CHUNK) {
      const chunk = orgIds.slice(i, i + CHUNK);
      const counts = await Promise.all(chunk.map((orgId) => this.counts(orgId)));
      for (let j = 0; j < chunk.length; j++) yield [chunk[j], counts[j]];
    }
  }

  async sum(orgIds: readonly string[]): Promise<Backlog> {
    const total: Backlog = { backlog: 0, waiting: 0, prioritized: 0, delayed: 0, orgs: orgIds.length };
    for await (const [, counts] of this.each(orgIds)) {
      total.waiting += counts.waiting;
      total.prioritized += counts.prioritized;
      total.delayed += counts.delayed;
    }
    total.backlog = total.waiting + total.prioritized + total.delayed;
    return total;
  }
}
