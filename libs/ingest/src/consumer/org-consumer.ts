import { ingestBullPrefix, ingestQueueName } from '../queues/ingest-queue';
import { ErrorThrottle } from '@memtrace/observability';
import { createRedisBackend, Job, Worker } from 'bullmq';
import type { RedisClient } from '@memtrace/redis';
import type { Logger } from 'pino';
import { backoffDelayMs, sleep } from './retry-backoff';
import { OrgBatcher } from './org-batcher';

export interface ConsumerSettings {
  redisPrefix: string;
  /** A Redis Cluster: the queue name carries the org as a hash tag. */
  hashTagged: boolean;
  lockMs: number;
  /** Jobs of this org one process holds at most (taken, not yet completed): the backlog stays in Redis. */
  maxInFlightJobs: number;
}

export interface ConsumerDeps {
  /** The process's shared Redis connection: a consumer opens none of its own. */
  client: RedisClient;
  logger: Logger;
  errors: ErrorThrottle;
  /** Handles one job (parse, batch, store, confirm); throws to fail it. */
  process: (job: Job) => Promise<void>;
  /** A job failed and will be tried again later, or ran out of attempts. */
  onFailed: (job: Job, error: Error, final: boolean) => Promise<void>;
}

export interface PullResult {
  /** Jobs taken in this turn. */
  jobs: number;
  /** Nothing was waiting when the turn ended. */
  drained: boolean;
  /** The turn ended because this process already holds `maxInFlightJobs` of the org's jobs. */
  full: boolean;
}

/**
 * Connections on the caller's client only: no blocking connection, which a BullMQ `Worker` would
 * otherwise open per queue (the reason one worker per org did not scale to thousands of orgs).
 */
const sharedConnectionBackend: typeof createRedisBackend = (name, opts) => createRedisBackend(name, opts);

/**
 * One org's queue, consumed by hand (BullMQ's manual processing: `getNextJob` without blocking) in
 * the turns the scheduler gives it. Jobs taken are handled concurrently (the batcher gathers them
 * into store batches) and their locks are renewed until they complete or fail; `checkStalled` gives
 * jobs of a dead process back to the queue.
 */
export class OrgConsumer {
  private readonly worker: Worker;
  private readonly inFlight = new Map<string, { token: string; done: Promise<void> }>();
  private tokens = 0;
  private renewer?: NodeJS.Timeout;
  private closing = false;
  private stalledCheckedAt = 0;
  lastActiveAt = Date.now();
  /** When the scheduler last measured this org's backlog and swept its hot tier (ms). */
  readonly upkeep = { measuredAt: 0, sweptAt: 0 };

  constructor(
    readonly orgId: string,
    readonly batcher: OrgBatcher,
    private readonly settings: ConsumerSettings,
    private readonly deps: ConsumerDeps,
  ) {
    this.worker = new Worker(
      ingestQueueName(orgId, settings.hashTagged),
      null,
      {
        connection: deps.client,
        prefix: ingestBullPrefix(settings.redisPrefix),
        autorun: false,
        lockDuration: settings.lockMs,
        stalledInterval: settings.lockMs,
        maxStalledCount: 100,
        // Checked once per process by the erasure queue's worker on the same Redis; per consumer it
        // would cost an INFO round trip each time an org's consumer opens.
        skipVersionCheck: true,
      },
      sharedConnectionBackend,
    );
    deps.errors.watch(this.worker, { fields: { orgId } });
  }

  /**
   * BullMQ's stalled-job check, at most once per lock period, in the org's turns (instead of a timer
   * per consumer: thousands of timers cost Redis commands while their orgs are idle). A run marks the
   * active jobs; a later one gives those whose lock expired, a dead process's, back to the queue.
   */
  async checkStalled(): Promise<void> {
    const now = Date.now();
    if (now - this.stalledCheckedAt < this.settings.lockMs) return;
    this.stalledCheckedAt = now;
    await this.worker.getBackend().moveStalledJobsToWait();
  }

  /** Jobs taken and not yet completed or failed. */
  get heldJobs(): number {
    return this.inFlight.size;
  }

  get idle(): boolean {
    return this.inFlight.size === 0 && this.batcher.idle;
  }

  /** Takes waiting jobs until `maxRows` rows were taken, none is waiting, or the in-flight cap is reached. */
  async pull(maxRows: number): Promise<PullResult> {
    this.lastActiveAt = Date.now();
    let rows = 0;
    let jobs = 0;
    while (rows < maxRows && !this.closing) {
      if (this.inFlight.size >= this.settings.maxInFlightJobs) return { jobs, drained: false, full: true };
      const token = `${this.worker.id}:${++this.tokens}`;
      const job = await this.worker.getNextJob(token, { block: false });
      if (!job?.id) return { jobs, drained: true, full: false };
      jobs++;
      rows += rowCount(job);
      this.hold(job as Job & { id: string }, token);
    }
    return { jobs, drained: false, full: false };
  }

  /** Flushes the batcher and waits for the jobs held; with `force`, only closes the handles. */
  async close(force = false): Promise<void> {
    this.closing = true;
    if (!force) {
      await this.batcher.close();
      await Promise.all([...this.inFlight.values()].map((held) => held.done));
    }
    clearInterval(this.renewer);
    await this.worker.close(force).catch(() => undefined);
  }

  private hold(job: Job & { id: string }, token: string) {
    const done = this.handle(job, token).finally(() => {
      this.inFlight.delete(job.id);
      this.lastActiveAt = Date.now();
      if (this.inFlight.size === 0) {
        clearInterval(this.renewer);
        this.renewer = undefined;
      }
    });
    this.inFlight.set(job.id, { token, done });
    this.renewer ??= setInterval(() => void this.renewLocks(), Math.max(100, Math.floor(this.settings.lockMs / 2)));
  }

  private async handle(job: Job, token: string): Promise<void> {
    let failure: Error | undefined;
    try {
      await this.deps.process(job);
    } catch (error) {
      failure = error as Error;
    }
    await this.settle(job, failure === undefined ? () => job.moveToCompleted(undefined, token, false) : () => job.moveToFailed(failure as Error, token, false));
    if (failure) {
      const final = failure.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      await this.deps.onFailed(job, failure, final).catch((error: Error) => this.deps.logger.warn({ orgId: this.orgId, err: error.message }, 'failed-job hook failed'));
    }
  }

  /**
   * Completing or failing a job is retried through a Redis blip for as long as its lock would last;
   * after that the job is re-delivered by the stalled check (its rows, if stored, are collapsed by id).
   */
  private async settle(job: Job, finish: () => Promise<unknown>): Promise<void> {
    const deadline = Date.now() + this.settings.lockMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await finish();
        return;
      } catch (error) {
        const message = (error as Error).message;
        if (/lock|not in the active state/i.test(message) || Date.now() > deadline) {
          this.deps.logger.warn({ orgId: this.orgId, jobId: job.id, err: message }, 'could not finish an ingest job; it will be re-delivered');
          return;
        }
        await sleep(backoffDelayMs(attempt, 50, 2_000));
      }
    }
  }

  private async renewLocks() {
    if (this.inFlight.size === 0) return;
    const ids = [...this.inFlight.keys()];
    const tokens = ids.map((id) => (this.inFlight.get(id) as { token: string }).token);
    await this.worker.extendJobLocks(ids, tokens, this.settings.lockMs).catch((error: Error) => {
      this.deps.logger.warn({ orgId: this.orgId, jobs: ids.length, err: error.message }, 'could not renew ingest job locks');
    });
  }
}

function rowCount(job: Job): number {
  const memories = (job.data as { memories?: unknown } | undefined)?.memories;
  return Array.isArray(memories) ? Math.max(1, memories.length) : 1;
}
