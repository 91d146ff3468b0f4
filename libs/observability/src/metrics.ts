import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The `org` label shared by every org beyond the per-org series a process keeps. */
export const OTHER_ORGS = '_other';

/** Which orgs get series of their own: a deployment with 10,000 orgs must not create 10,000 × n series. */
export interface OrgSeriesPolicy {
  /** Always their own series (MEMTRACE_METRICS_ORGS). */
  named: readonly string[];
  /** Further orgs with their own series, first come first served; the rest share `_other`. */
  max: number;
}

/**
 * One Prometheus registry per process. Metric objects are created here, once, so that every module
 * of a process (and the standalone process that hosts several apps) shares the same series.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'memtrace_http_requests_total',
    help: 'HTTP requests answered, by app, method, route template and status',
    labelNames: ['app', 'method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'memtrace_http_request_duration_seconds',
    help: 'HTTP request latency, by app, method, route template and status',
    labelNames: ['app', 'method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'memtrace_auth_failures_total',
    help: 'Rejected API keys, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly cacheInvalidations = new Counter({
    name: 'memtrace_cache_invalidations_total',
    help: 'Cache invalidation messages received, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly bindingFailures = new Gauge({
    name: 'memtrace_store_binding_unavailable',
    help: '1 when an org store binding cannot be opened (bad ciphertext or wrong master key)',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });

  readonly storeReadsShed = new Counter({
    name: 'memtrace_store_reads_shed_total',
    help: 'Reads answered 503 at once because the org already had its maximum of concurrent store reads, by org',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });

  readonly memoriesAccepted = new Counter({
    name: 'memtrace_memories_accepted_total',
    help: 'Memories acknowledged (201) by the gateway, by org',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });
  readonly dedupHits = new Counter({
    name: 'memtrace_dedup_hits_total',
    help: 'Writes recognised as duplicates (409 or skipped in a batch), by org',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });
  readonly ingestRowsWritten = new Counter({
    name: 'memtrace_ingest_rows_written_total',
    help: 'Rows written to a store and confirmed visible, by org',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });
  readonly erasures = new Counter({
    name: 'memtrace_erasures_total',
    help: 'Erasures finished (forget by filter, an agent with its memories), by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly erasedRows = new Counter({
    name: 'memtrace_erasure_rows_total',
    help: 'Memories erased by erasures, from the store and the hot tier, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly retentionSweeps = new Counter({
    name: 'memtrace_retention_sweeps_total',
    help: 'Retention sweeps run by this worker (ok), and orgs a sweep could not start an erasure for (org_failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly erasureDroppedRows = new Counter({
    name: 'memtrace_erasure_dropped_rows_total',
    help: 'Queued rows an erasure covered, dropped by the ingest worker instead of written (or deleted again)',
    registers: [this.registry],
  });
  readonly ingestRetries = new Counter({
    name: 'memtrace_ingest_retries_total',
    help: 'Store writes or confirmations retried after a failure, by org and stage',
    labelNames: ['org', 'stage'] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'memtrace_ingest_dead_letters_total',
    help: 'Jobs parked in the dead-letter queue, by org and reason',
    labelNames: ['org', 'reason'] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'memtrace_ingest_queue_depth',
    help: 'Jobs waiting or delayed in an org ingest queue, measured while the org has work (orgs with their own series)',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });
  readonly oldestJobAge = new Gauge({
    name: 'memtrace_ingest_oldest_job_age_seconds',
    help: 'Age of the oldest waiting job of an org ingest queue, measured while the org has a backlog (orgs with their own series)',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });
  readonly activeOrgs = new Gauge({
    name: 'memtrace_ingest_active_orgs',
    help: 'Orgs this worker process holds a consumer for (had work within MEMTRACE_WORKER_IDLE_CLOSE_MS)',
    registers: [this.registry],
  });
  readonly dueOrgs = new Gauge({
    name: 'memtrace_ingest_due_orgs',
    help: 'Orgs signalled as having ingest work and not yet found empty (deployment-wide)',
    registers: [this.registry],
  });
  readonly hotTierSize = new Gauge({
    name: 'memtrace_hot_tier_size',
    help: 'Acknowledged memories not yet confirmed visible in the store, by org',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });
  readonly storeLatency = new Histogram({
    name: 'memtrace_store_request_duration_seconds',
    help: 'Store request latency, by org and operation',
    labelNames: ['org', 'operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'memtrace_rate_limited_total',
    help: 'Requests answered 429 by a rate limit, by org and limit (key-requests, org-requests, key-memories, org-memories)',
    labelNames: ['org', 'limit'] as const,
    registers: [this.registry],
  });
  readonly rpcRequests = new Counter({
    name: 'memtrace_rpc_requests_total',
    help: 'Internal RPC requests (gateway to query service), by side (client or server), pattern and outcome (ok or an error code)',
    labelNames: ['side', 'pattern', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly rpcDuration = new Histogram({
    name: 'memtrace_rpc_request_duration_seconds',
    help: 'Internal RPC latency, by side and pattern',
    labelNames: ['side', 'pattern'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly ingestBatchRows = new Histogram({
    name: 'memtrace_ingest_batch_rows',
    help: 'Rows per store batch written by an ingest worker',
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: [this.registry],
  });
  readonly ingestFlushDuration = new Histogram({
    name: 'memtrace_ingest_flush_duration_seconds',
    help: 'Time from a batch flush starting to its rows confirmed visible in the store (write, confirmation, retries)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly ingestBatchesInFlight = new Gauge({
    name: 'memtrace_ingest_batches_in_flight',
    help: 'Store batches this worker process is writing or confirming (jobs taken, not yet completed)',
    registers: [this.registry],
  });
  readonly storeErrors = new Counter({
    name: 'memtrace_store_errors_total',
    help: 'Failed store requests, by org and operation',
    labelNames: ['org', 'operation'] as const,
    registers: [this.registry],
  });
  readonly ingestBacklog = new Gauge({
    name: 'memtrace_ingest_backlog_jobs',
    help: 'Ingest jobs waiting, prioritized or delayed, summed over every org with work (deployment-wide; what KEDA scales on)',
    registers: [this.registry],
  });

  private readonly namedOrgs: ReadonlySet<string>;
  private readonly seriesOrgs = new Set<string>();

  constructor(private readonly orgSeries: OrgSeriesPolicy = { named: [], max: 100 }) {
    this.namedOrgs = new Set(orgSeries.named);
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * The `org` label value for an org: its id when it has a series of its own (named, or among the
   * first `max` orgs this process labelled), `_other` otherwise. Counters stay exact in sum.
   */
  org(orgId: string): string {
    if (this.seriesOrgs.has(orgId)) return orgId;
    if (this.namedOrgs.has(orgId) || this.seriesOrgs.size < this.orgSeries.max) {
      this.seriesOrgs.add(orgId);
      return orgId;
    }
    return OTHER_ORGS;
  }

  /**
   * Times one internal RPC and counts it by outcome: `ok`, or the error's code (the codes of the
   * one error table, so the label stays bounded), or `error`.
   */
  async timeRpc<T>(side: 'client' | 'server', pattern: string, run: () => Promise<T>): Promise<T> {
    const end = this.rpcDuration.startTimer({ side, pattern });
    let outcome = 'ok';
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      outcome = typeof code === 'string' && /^[a-z_]{1,32}$/.test(code) ? code : 'error';
      throw error;
    } finally {
      end();
      this.rpcRequests.inc({ side, pattern, outcome });
    }
  }

  /** Sets a per-org gauge, for orgs with a series of their own (a gauge of `_other` would mean nothing). */
  setOrgGauge(gauge: Gauge<'org'>, orgId: string, value: number): void {
    const org = this.org(orgId);
    if (org !== OTHER_ORGS) gauge.set({ org }, value);
  }
}
