import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { ingestOrgsKey } from '../queues/ingest-queue';
import { DedupService } from '../admission/dedup.service';
import { IngestQueues } from '../queues/ingest-queues';
import { Backlog, QueueBacklog } from '../queues/queue-backlog';
import { Claim, ReadyOrgs, ReleaseOutcome } from '../queues/ready-orgs';
import { ErrorThrottle, LOGGER, Metrics, OTHER_ORGS } from '@memtrace/observability';
import { RedisClient, RedisService } from '@memtrace/redis';
import { StoreRegistry } from '@memtrace/store';
import { ErasedIds } from '../hot-tier/erased-ids';
import { ForgetTombstones } from '../hot-tier/forget-tombstones';
import { HotTier } from '../hot-tier/hot-tier';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { DeadLetterService } from './dead-letter.service';
import { INGEST_HOOKS, IngestHooks } from './ingest-hooks';
import { ingestProcessor } from './ingest.processor';
import { OrgBatcher, VisibilityEstimate } from './org-batcher';
import { sleep } from './retry-backoff';
import { OrgConsumer } from './org-consumer';

/**
 * Refused writes (401/403/404…) before a batch is dead-lettered: enough to ride out a binding
 * being replaced (the new one reaches this process within a second), few enough that a binding
 * which can never work sends a bounded number of requests to wherever it points.
 */
const REFUSED_WRITE_ATTEMPTS = 5;
/**
 * The longest an idle worker waits for a signal before it looks again. Only a safety net: signals
 * wake it, and a claim that finds nothing says when a delayed org or an expiring lease is due.
 */
const IDLE_WAIT_MS = 30_000;
/** How soon an org with only delayed jobs (retry backoff) is looked at again. */
const DELAYED_RECHECK_MS = 1_000;
const SWEEP_INTERVAL_MS = 60_000;
const HOUSEKEEPING_MS = 15_000;
/** Backlog gauges of an org with work are refreshed at most this often (three commands). */
const MEASURE_INTERVAL_MS = 1_000;
/** `GET /backlog` (KEDA polls it, every 30 s by default) measures at most this often per process. */
const BACKLOG_CACHE_MS = 5_000;

/**
 * Drains the per-org queues that have work, at a cost bounded by those orgs (design §8b): gateways
 * signal an org after enqueueing (`ReadyOrgs`); `slots` loops per process each lease the org that
 * has waited longest, take at most one batch of its jobs, and give it back behind the others, so a
 * backlog of millions in one org delays another org's first write by about one turn. Every queue is
 * consumed on the process's shared connection; one more connection blocks for signals while idle.
 * Any number of worker processes share the orgs; BullMQ's job locks rule out double processing.
 */
@Injectable()
export class IngestScheduler implements OnApplicationBootstrap {
  private readonly consumers = new Map<string, OrgConsumer>();
  private readonly queues: IngestQueues;
  private readonly ready: ReadyOrgs;
  private readonly backlogCounter: QueueBacklog;
  private lastBacklog?: { at: number; value: Promise<Backlog> };
  private readonly errors: ErrorThrottle;
  private readonly loopErrors: ErrorThrottle;
  private readonly visibility = new VisibilityEstimate();
  private blocking?: RedisClient;
  /** The idle loops' shared wait: true when a signal ended it, false on a timeout. */
  private waiting?: Promise<boolean>;
  private waitingUntil = 0;
  private loops: Promise<void>[] = [];
  private housekeeping?: NodeJS.Timeout;
  private stopped = false;
  private readonly stopping = new AbortController();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly stores: StoreRegistry,
    private readonly hotTier: HotTier,
    private readonly erased: ErasedIds,
    private readonly tombstones: ForgetTombstones,
    private readonly dedup: DedupService,
    private readonly deadLetters: DeadLetterService,
    private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(INGEST_HOOKS) private readonly hooks: IngestHooks,
  ) {
    this.errors = new ErrorThrottle(logger, 'ingest queue error');
    this.loopErrors = new ErrorThrottle(logger, 'ingest scheduling failed; retrying');
    this.queues = new IngestQueues(redis.client, config.redis.prefix, logger, redis.cluster);
    this.ready = new ReadyOrgs(redis.client, config.redis.prefix);
    this.backlogCounter = new QueueBacklog(redis.client, config.redis.prefix, redis.cluster);
  }

  async onApplicationBootstrap() {
    this.blocking = this.redis.connect({ maxRetriesPerRequest: null });
    await this.signalLeftovers();
    this.loops = Array.from({ length: this.config.ingest.orgSlots }, () => this.loop());
    this.housekeeping = setInterval(() => void this.housekeep(), HOUSEKEEPING_MS);
  }

  /**
   * Jobs that have no signal: queued by a release before signals existed, or by a gateway that died
   * between enqueueing and signalling. Once per start, a few commands per org that ever had a queue.
   */
  private async signalLeftovers(): Promise<void> {
    try {
      const orgIds = await this.redis.client.smembers(ingestOrgsKey(this.config.redis.prefix));
      for await (const [orgId, counts] of this.backlogCounter.each(orgIds)) {
        if (Object.values(counts).some((n) => n > 0)) await this.ready.signal(orgId);
      }
      if (orgIds.length > 0) this.logger.info({ orgs: orgIds.length }, 'checked every known org queue for jobs without a signal');
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'could not check org queues for jobs without a signal');
    }
  }

  private async loop(): Promise<void> {
    let claimNext = true;
    while (!this.stopped) {
      try {
        const claim = claimNext ? await this.ready.claim(this.config.ingest.lockMs) : {};
        if (claim.orgId === undefined) claimNext = await this.idle('nextDueInMs' in claim ? claim.nextDueInMs : undefined);
        else await this.turn(claim as Claim);
      } catch (error) {
        this.loopErrors.report(error as Error);
        await this.pause(1_000);
      }
    }
  }

  /**
   * Idle loops of the process share one blocking wait on the signal list. After a signal they all
   * try to claim; after a timeout only the loop that waited does, so an idle process costs a few
   * commands per IDLE_WAIT_MS whatever its number of loops. A loop that knows of an org due before
   * the shared wait ends sleeps until then instead (an org given back with "look again in 50 ms"
   * would otherwise wait for the shared 30 s). Resolves to "claim next".
   */
  private idle(dueInMs: number | undefined): Promise<boolean> {
    const wait = Math.min(IDLE_WAIT_MS, Math.max(10, dueInMs ?? IDLE_WAIT_MS));
    if (this.waiting) {
      if (Date.now() + wait >= this.waitingUntil) return this.waiting;
      return this.pause(wait).then(() => true);
    }
    this.waitingUntil = Date.now() + wait;
    this.waiting = this.ready
      .waitForSignal(this.blocking as RedisClient, wait)
      .catch(() => this.pause(1_000).then(() => false))
      .finally(() => (this.waiting = undefined));
    return this.waiting.then(() => true);
  }

  /** Waits `ms`, or less when the scheduler stops (a SIGTERM must not wait for an idle loop's nap). */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return sleep(ms, this.stopping.signal);
  }

  /** One turn: at most one batch of the org's jobs, then the lease goes back with what is left. */
  private async turn(claim: Claim): Promise<void> {
    let outcome: ReleaseOutcome = { kind: 'again', afterMs: DELAYED_RECHECK_MS };
    try {
      const consumer = this.consumerFor(claim.orgId);
      const pulled = await consumer.pull(this.config.ingest.batchRows);
      await consumer.checkStalled();
      if (pulled.drained) outcome = await this.afterDrain(consumer);
      else {
        outcome = { kind: 'again', afterMs: pulled.full ? this.config.ingest.batchMs : 0 };
        await this.maintain(consumer);
      }
    } finally {
      await this.ready.release(claim, outcome);
    }
  }

  /** Nothing waiting: forget the org, or look again when delayed jobs are due or held jobs may stall. */
  private async afterDrain(consumer: OrgConsumer): Promise<ReleaseOutcome> {
    const { orgId } = consumer;
    await this.maintain(consumer);
    // Jobs held here complete on their own (a retry signals again); if this process dies they come
    // back once their lock expires, and someone must be looking then.
    if (consumer.heldJobs > 0) return { kind: 'again', afterMs: this.config.ingest.lockMs };
    const counts = await this.queues.get(orgId).getJobCounts('wait', 'prioritized', 'delayed', 'active');
    if (counts.wait + counts.prioritized > 0) return { kind: 'again', afterMs: 0 };
    if (counts.delayed > 0) return { kind: 'again', afterMs: DELAYED_RECHECK_MS };
    // Held by another process, or by a dead one: those come back once their lock has expired.
    if (counts.active > 0) return { kind: 'again', afterMs: this.config.ingest.lockMs };
    return { kind: 'empty' };
  }

  /**
   * At most once per MEASURE_INTERVAL_MS per org with work: its backlog gauges (orgs with their own
   * series only) and, once a minute, the hot-tier sweep of rows that outlived their confirmation.
   */
  private async maintain(consumer: OrgConsumer) {
    const { orgId, upkeep } = consumer;
    const now = Date.now();
    if (now - upkeep.measuredAt < MEASURE_INTERVAL_MS) return;
    upkeep.measuredAt = now;
    if (this.metrics.org(orgId) !== OTHER_ORGS) {
      const queue = this.queues.get(orgId);
      const [counts, [oldest], hot] = await Promise.all([
        queue.getJobCounts('wait', 'prioritized', 'delayed'),
        queue.getJobs(['wait'], 0, 0, true),
        this.hotTier.size(orgId),
      ]);
      this.metrics.setOrgGauge(this.metrics.queueDepth, orgId, counts.wait + counts.prioritized + counts.delayed);
      this.metrics.setOrgGauge(this.metrics.oldestJobAge, orgId, oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0);
      this.metrics.setOrgGauge(this.metrics.hotTierSize, orgId, hot);
    }
    if (now - upkeep.sweptAt < SWEEP_INTERVAL_MS) return;
    upkeep.sweptAt = now;
    await this.hotTier.sweep(orgId, this.config.writes.hotTierMaxAgeMs, now * 1000);
  }

  private consumerFor(orgId: string): OrgConsumer {
    const existing = this.consumers.get(orgId);
    if (existing) return existing;
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
        erased: this.erased,
        tombstones: this.tombstones,
        releaseClaims: (org, records) => this.dedup.release(org, records.map((r) => ({ key: r.dedupKey, owner: r.id }))),
        metrics: this.metrics,
        logger: this.logger,
        onStored: async (org, records) => this.hooks.stored(org, records),
        onRefused: (org, batch) => this.hooks.refused(org, batch),
        visibility: this.visibility,
      },
    );
    const consumer = new OrgConsumer(
      orgId,
      batcher,
      { redisPrefix: this.config.redis.prefix, hashTagged: this.redis.cluster, lockMs: ingest.lockMs, maxInFlightJobs: ingest.concurrency },
      {
        client: this.redis.client,
        logger: this.logger,
        errors: this.errors,
        process: ingestProcessor(orgId, batcher, this.deadLetters),
        onFailed: (job, error, final) => this.onFailed(orgId, job, error, final),
      },
    );
    this.consumers.set(orgId, consumer);
    this.logger.info({ orgId }, 'ingest consumer started');
    return consumer;
  }

  private async onFailed(orgId: string, job: Job, error: Error, final: boolean): Promise<void> {
    // Re-deliveries exhausted (crash loops, shutdowns): park it rather than let it sit failed unseen.
    if (final && error.name !== 'UnrecoverableError') await this.deadLetters.park(orgId, job, error.message, 'exhausted');
    // A retry waits in the delayed set: the org must be looked at again when it is due.
    if (!final) await this.ready.signal(orgId);
  }

  /**
   * Jobs no worker has taken yet (waiting, prioritized, delayed), summed over the orgs signalled as
   * having work — deployment-wide, whichever worker is asked: what KEDA scales the workers on
   * (`GET /backlog`). Measured at most every few seconds, however often it is asked.
   */
  backlog(): Promise<Backlog> {
    if (this.lastBacklog && Date.now() - this.lastBacklog.at < BACKLOG_CACHE_MS) return this.lastBacklog.value;
    const value = this.ready.dueOrgIds().then((orgIds) => this.backlogCounter.sum(orgIds));
    this.lastBacklog = { at: Date.now(), value };
    value.then(
      (backlog) => this.metrics.ingestBacklog.set(backlog.backlog),
      () => (this.lastBacklog = undefined),
    );
    return value;
  }

  /** True while this worker takes jobs (readiness). */
  get consuming(): boolean {
    return this.loops.length > 0 && !this.stopped && this.redis.isConnected();
  }

  /** Gauges, and consumers of orgs without work for `idleCloseMs` closed: memory follows the active orgs. */
  private async housekeep() {
    this.metrics.activeOrgs.set(this.consumers.size);
    this.metrics.dueOrgs.set(await this.ready.dueCount().catch(() => 0));
    await this.backlog().catch(() => undefined);
    const now = Date.now();
    for (const [orgId, consumer] of this.consumers) {
      if (consumer.idle && now - consumer.lastActiveAt > this.config.ingest.idleCloseMs) {
        this.consumers.delete(orgId);
        await consumer.close();
        await this.stores.release(orgId);
        this.logger.info({ orgId }, 'ingest consumer closed');
      }
    }
  }

  /**
   * SIGTERM: stop taking jobs, finish and confirm the open batches, exit within the timeout. Jobs
   * still unconfirmed at the deadline keep their place in Redis and are re-delivered later.
   */
  async close(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    clearInterval(this.housekeeping);
    this.blocking?.disconnect();
    await Promise.all(this.loops);
    const consumers = [...this.consumers.values()];
    const graceful = Promise.all(consumers.map((consumer) => consumer.close()));
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.config.ingest.shutdownTimeoutMs).unref());
    if ((await Promise.race([graceful, deadline])) === 'timeout') {
      this.logger.warn('shutdown timeout reached; unconfirmed jobs will be re-delivered');
      await Promise.all(consumers.map((consumer) => consumer.close(true)));
    }
    await this.queues.close();
    await this.hooks.close();
  }
}
