import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AgentRepository, AuditRepository } from '@memtrace/catalog';
import { AppConfig } from '@memtrace/config';
import { ingestBullPrefix, ingestOrgsKey, ingestQueueName, MemoryRecord } from '@memtrace/contracts';
import { ErrorThrottle, LOGGER, Metrics } from '@memtrace/observability';
import { RedisService } from '@memtrace/redis';
import { HotTier, StoreRegistry } from '@memtrace/store';
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { DeadLetterService } from '../ingest/dead-letter.service';
import { ingestProcessor } from '../ingest/ingest.processor';
import { OrgBatcher, RefusedBatch } from '../ingest/org-batcher';

interface Running {
  worker: Worker;
  batcher: OrgBatcher;
  lastBusy: number;
}

const DISCOVERY_INTERVAL_MS = 1_000;
const SWEEP_INTERVAL_MS = 60_000;
/**
 * Refused writes (401/403/404…) before a batch is dead-lettered: enough to ride out a binding
 * being replaced (the new one reaches this process within a second), few enough that a binding
 * which can never work sends a bounded number of requests to wherever it points.
 */
const REFUSED_WRITE_ATTEMPTS = 5;

/**
 * Runs one BullMQ worker per org that has work, discovering orgs from the set the gateways announce
 * them in (so orgs created after start are picked up without a restart) and closing workers that
 * have been idle. Any number of worker processes can run side by side on the same queues.
 */
@Injectable()
export class WorkerRegistry implements OnApplicationBootstrap {
  private readonly running = new Map<string, Running>();
  private readonly queues = new Map<string, Queue>();
  private ticker?: NodeJS.Timeout;
  private lastSweep = 0;
  private stopped = false;
  /** The workers' and queues' errors: during a Redis outage each of them re-emits every reconnect failure. */
  private readonly queueErrors: ErrorThrottle;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly stores: StoreRegistry,
    private readonly hotTier: HotTier,
    private readonly deadLetters: DeadLetterService,
    private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly agents: AgentRepository,
    private readonly audit: AuditRepository,
  ) {
    this.queueErrors = new ErrorThrottle(logger, 'ingest queue error');
  }

  async onApplicationBootstrap() {
    await this.tick();
    this.schedule();
  }

  private schedule() {
    if (this.stopped) return;
    this.ticker = setTimeout(() => void this.tick().finally(() => this.schedule()), DISCOVERY_INTERVAL_MS);
  }

  private async tick(): Promise<void> {
    try {
      const orgIds = await this.redis.client.smembers(ingestOrgsKey(this.config.redis.prefix));
      const sweep = Date.now() - this.lastSweep > SWEEP_INTERVAL_MS;
      if (sweep) this.lastSweep = Date.now();
      for (const orgId of orgIds) await this.reconcile(orgId, sweep);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'worker discovery failed; retrying');
    }
  }

  private async reconcile(orgId: string, sweep: boolean) {
    const counts = await this.queueFor(orgId).getJobCounts('wait', 'delayed', 'prioritized', 'active');
    const backlog = counts.wait + counts.delayed + counts.prioritized;
    this.metrics.queueDepth.set({ org: orgId }, backlog);
    this.metrics.hotTierSize.set({ org: orgId }, await this.hotTier.size(orgId));
    if (sweep) await this.hotTier.sweep(orgId, this.config.writes.hotTierMaxAgeMs, Date.now() * 1000);
    const running = this.running.get(orgId);
    const busy = backlog + counts.active > 0;
    if (!running && busy && !this.stopped) this.start(orgId);
    else if (running && busy) running.lastBusy = Date.now();
    else if (running && running.batcher.idle && Date.now() - running.lastBusy > this.config.ingest.idleCloseMs) await this.stop(orgId);
  }

  private start(orgId: string) {
    const { ingest } = this.config;
    const batcher = new OrgBatcher(
      orgId,
      {
        batchRows: ingest.batchRows,
        batchMs: ingest.batchMs,
        retryBaseMs: 100,
        retryMaxDelayMs: ingest.retryMaxDelayMs,
        confirmTimeoutMs: ingest.confirmTimeoutMs,
        refusedWriteAttempts: REFUSED_WRITE_ATTEMPTS,
      },
      {
        stores: this.stores,
        hotTier: this.hotTier,
        metrics: this.metrics,
        logger: this.logger,
        onStored: (org, records) => this.recordActivity(org, records),
        onRefused: (org, batch) => this.recordRefused(org, batch),
      },
    );
    const worker = new Worker(ingestQueueName(orgId), ingestProcessor(orgId, batcher, this.deadLetters), {
      connection: this.redis.connect({ maxRetriesPerRequest: null }),
      prefix: ingestBullPrefix(this.config.redis.prefix),
      concurrency: ingest.concurrency,
      lockDuration: ingest.lockMs,
      stalledInterval: ingest.lockMs,
      maxStalledCount: 100,
    });
    worker.on('failed', (job, error) => {
      // Re-deliveries exhausted (crash loops, stalls): park it rather than let it sit failed unseen.
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1) && !(error.name === 'UnrecoverableError')) {
        void this.deadLetters.park(orgId, job, error.message, 'exhausted');
      }
    });
    this.queueErrors.watch(worker, { fields: { orgId } });
    this.running.set(orgId, { worker, batcher, lastBusy: Date.now() });
    this.logger.info({ orgId }, 'ingest worker started');
  }

  private async stop(orgId: string, force = false) {
    const running = this.running.get(orgId);
    if (!running) return;
    this.running.delete(orgId);
    await running.batcher.close();
    await running.worker.close(force);
    this.logger.info({ orgId }, 'ingest worker closed');
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

  /**
   * SIGTERM: stop taking jobs, finish and confirm the open batches, exit within the timeout. Jobs
   * still unconfirmed at the deadline keep their place in Redis and are re-delivered later.
   */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.ticker);
    const graceful = Promise.all([...this.running.keys()].map((orgId) => this.stop(orgId)));
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.config.ingest.shutdownTimeoutMs).unref());
    if ((await Promise.race([graceful, deadline])) === 'timeout') {
      this.logger.warn('shutdown timeout reached; unconfirmed jobs will be re-delivered');
      await Promise.all([...this.running.values()].map((r) => r.worker.close(true)));
    }
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /**
   * The tenant's admins see in their audit log that their binding refuses writes and how many rows
   * went to the dead letters; only the status, since what the store said is for the operator's log.
   */
  private recordRefused(orgId: string, batch: RefusedBatch): Promise<void> {
    return this.audit.record({ actor: 'ingest-worker', orgId, action: 'store-binding.writes-refused', target: null, outcome: 'failed', detail: { ...batch } });
  }

  /** Agents' `last_active_at` follows their stored memories (upstream never set it). */
  private recordActivity(orgId: string, records: readonly MemoryRecord[]): Promise<void> {
    const latest = new Map<string, number>();
    for (const r of records) latest.set(r.agentId, Math.max(latest.get(r.agentId) ?? 0, r.timeUs));
    return this.agents.touchLastActive(orgId, new Map([...latest].map(([agent, us]) => [agent, new Date(Math.floor(us / 1000))])));
  }
}
