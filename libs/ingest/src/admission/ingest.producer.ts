import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Context, Link, SpanKind } from '@opentelemetry/api';
import { AppConfig } from '@memtrace/config';
import { INGEST_MEMORIES_V1, IngestMemoriesV1 } from '@memtrace/contracts';
import { INGEST_JOB_OPTIONS, ingestOrgsKey } from '../queues/ingest-queue';
import { IngestQueues } from '../queues/ingest-queues';
import { ReadyOrgs } from '../queues/ready-orgs';
import { inSpan, InSpanOptions, LOGGER, traceCarrier } from '@memtrace/observability';
import { RedisService } from '@memtrace/redis';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';

/** Where a job's PRODUCER span hangs: under one request's span, linked to the other requests of its group. */
export interface EnqueueTrace {
  parent: Context;
  links: Link[];
}

/**
 * Puts one group of write requests (1..N memories) into its org's queue as one job, then tells the
 * workers the org has work (`ReadyOrgs`): they drain only orgs that were signalled.
 */
@Injectable()
export class IngestProducer implements OnModuleDestroy {
  private readonly queues: IngestQueues;
  private readonly ready: ReadyOrgs;
  private readonly announced = new Set<string>();

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.queues = new IngestQueues(redis.client, config.redis.prefix, logger, redis.cluster);
    this.ready = new ReadyOrgs(redis.client, config.redis.prefix);
  }

  /**
   * In a PRODUCER span whose context travels in the job (`trace`), so the worker's spans continue
   * the request's trace. `jobId` makes a retried enqueue of the same job a no-op.
   */
  enqueue(payload: IngestMemoriesV1, jobId: string, origin?: EnqueueTrace): Promise<void> {
    const options: InSpanOptions = origin ? { ...SEND_SPAN, parent: origin.parent, links: origin.links } : SEND_SPAN;
    return inSpan('send ingest', options, async (span) => {
      const queue = this.queues.get(payload.orgId);
      if (span.isRecording()) {
        span.setAttributes({ 'messaging.destination.name': queue.name, 'messaging.message.id': jobId, 'memtrace.org.id': payload.orgId, 'memtrace.memory.count': payload.memories.length });
      }
      const trace = traceCarrier();
      await this.send(queue, trace ? { ...payload, trace } : payload, jobId);
    });
  }

  private async send(queue: Queue, payload: IngestMemoriesV1, jobId: string): Promise<void> {
    await queue.add(INGEST_MEMORIES_V1, payload, { ...INGEST_JOB_OPTIONS, jobId });
    // After the job is in the queue, never before: a worker that finds the queue empty forgets the
    // org only if no signal came after it looked (see ReadyOrgs).
    await this.ready.signal(payload.orgId);
    if (!this.announced.has(payload.orgId)) {
      // The registry of every org with a queue: a worker's start-up sweep finds jobs left without a
      // signal (a gateway that died between the two steps, or queued by an older release).
      await this.redis.client.sadd(ingestOrgsKey(this.config.redis.prefix), payload.orgId);
      this.announced.add(payload.orgId);
    }
  }

  async onModuleDestroy() {
    await this.queues.close();
  }
}

/** Messaging conventions: the ingest queues (one per org) are the destination `ingest`. */
const SEND_SPAN: InSpanOptions = {
  kind: SpanKind.PRODUCER,
  attributes: { 'messaging.system': 'bullmq', 'messaging.operation.type': 'send', 'messaging.operation.name': 'send', 'messaging.destination.template': 'ingest-{org}' },
};
