import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AuditRepository, ErasureRepository, OrganizationRepository, RetentionRepository } from '@memtrace/catalog';
import { AppConfig } from '@memtrace/config';
import { RETENTION_SWEEP_V1, RUN_ERASURE_V1, runErasureV1Schema } from '@memtrace/contracts';
import { DedupService, ERASURE_JOB_OPTIONS, ErasureLauncher, ErasureQueue, erasureQueueName, ingestBullPrefix } from '@memtrace/ingest';
import { ErrorThrottle, LOGGER, Metrics } from '@memtrace/observability';
import { InvalidationBus, RedisService } from '@memtrace/redis';
import { StoreRegistry } from '@memtrace/store';
import { ForgetTombstones, HotTier } from '@memtrace/ingest';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { ErasureExecutor } from './erasure.executor';
import { RetentionSweep } from './retention-sweep';

/** Erasures one worker process runs at once: they are rare, and each holds a store busy. */
const CONCURRENCY = 2;
/** Rows read per step; each step is one delete (by the filter, up to the page's last time). */
const PAGE_ROWS = 5_000;

/**
 * Consumes the deployment-wide erasure queue (one connection of its own, whatever the number of
 * orgs): erasure runs, and the retention sweeps its job scheduler adds. A worker killed mid-run
 * leaves the job locked; once the lock expires another worker (or this one, restarted) takes it
 * again and the run, idempotent, finishes it.
 */
@Injectable()
export class ErasureRunner implements OnApplicationBootstrap {
  private worker?: Worker;
  private readonly executor: ErasureExecutor;
  private readonly sweep: RetentionSweep;
  private readonly launcher: ErasureLauncher;
  private readonly stopping = new AbortController();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    erasures: ErasureRepository,
    stores: StoreRegistry,
    hotTier: HotTier,
    tombstones: ForgetTombstones,
    dedup: DedupService,
    audit: AuditRepository,
    retention: RetentionRepository,
    orgs: OrganizationRepository,
    bus: InvalidationBus,
    metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.launcher = new ErasureLauncher(erasures, tombstones, new ErasureQueue(redis.client, config.redis.prefix, redis.cluster));
    this.sweep = new RetentionSweep({ retention, erasures, stores, launcher: this.launcher, metrics, logger });
    this.executor = new ErasureExecutor(
      { pageRows: PAGE_ROWS, retryBaseMs: 200, retryMaxDelayMs: config.ingest.retryMaxDelayMs },
      {
        erasures,
        stores,
        hotTier,
        tombstones,
        releaseClaims: (orgId, records) => dedup.release(orgId, records.map((r) => ({ key: r.dedupKey, owner: r.id }))),
        audit,
        metrics,
        logger,
        deleteOrg: async (orgId) => {
          await audit.record({ actor: 'ingest-worker', orgId, action: 'org.deleted', target: orgId, outcome: 'ok', detail: { memories: 'erased' } });
          await orgs.delete(orgId);
          await bus.publish({ kind: 'org', orgId });
        },
      },
    );
  }

  async onApplicationBootstrap() {
    await this.launcher.queue.scheduleRetention(this.config.ingest.retentionIntervalMs).catch((error: Error) => {
      // Another worker registers it, or this one at its next start: sweeps only wait.
      this.logger.warn({ err: error.message }, 'could not register the retention sweep');
    });
    const lockMs = this.config.ingest.lockMs;
    this.worker = new Worker(erasureQueueName(this.redis.cluster), (job) => this.process(job), {
      connection: this.redis.connect({ maxRetriesPerRequest: null }),
      prefix: ingestBullPrefix(this.config.redis.prefix),
      concurrency: CONCURRENCY,
      // A killed worker's erasure is taken again about one lock period later.
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: ERASURE_JOB_OPTIONS.attempts,
    });
    new ErrorThrottle(this.logger, 'erasure queue error').watch(this.worker);
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
  }

  private async process(job: Job): Promise<void> {
    if (job.name === RETENTION_SWEEP_V1) {
      await this.sweep.run();
      return;
    }
    const parsed = runErasureV1Schema.safeParse(job.data);
    if (job.name !== RUN_ERASURE_V1 || !parsed.success) throw new UnrecoverableError(`no handler for job '${job.name}' with this payload`);
    await this.executor.run(parsed.data.orgId, parsed.data.erasureId, this.stopping.signal);
  }

  /** Attempts exhausted (e.g. the org lost its binding): the receipt says failed instead of running forever. */
  private async onFailed(job: Job | undefined, error: Error) {
    const parsed = runErasureV1Schema.safeParse(job?.data);
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
    this.logger.warn({ erasureId: parsed.data?.erasureId, err: error.message, final }, 'erasure run failed');
    if (!final || !parsed.success) return;
    await this.executor.giveUp(parsed.data.orgId, parsed.data.erasureId, 'the erasure could not be completed; ask an operator to look at the worker logs').catch(() => undefined);
  }

  /** SIGTERM: the running erasures stop between steps and stay queued for the next worker. */
  async close(): Promise<void> {
    this.executor.close();
    this.stopping.abort();
    await this.worker?.close();
    await this.launcher.close();
  }
}
