import { randomBytes } from 'node:crypto';
import { ConfigError, Env, loadEnv } from './env.config';

/** Typed, nested view of the environment, injected where needed (token `AppConfig`). */
export class AppConfig {
  readonly database: { url: string };
  /** `clusterNodes` non-empty: a Redis Cluster (and `url` is not used). */
  readonly redis: { url: string; clusterNodes: Array<{ host: string; port: number }>; prefix: string; commandTimeoutMs: number };
  readonly masterKey: { current?: string; previous?: string };
  readonly http: {
    host: string;
    gatewayPort: number;
    adminPort: number;
    bodyLimitBytes: number;
    connections: { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number };
  };
  readonly log: { level: Env['MEMTRACE_LOG_LEVEL'] };
  readonly bootstrap: { keyFile?: string; operatorOrgId: string };
  readonly dataDir: string;
  /**
   * How long a process keeps what it read from the catalog: API keys, rate limits, store bindings
   * and agent aliases (`MEMTRACE_AUTH_CACHE_TTL_MS`, named when it covered keys only). Changes reach
   * every process sooner over the invalidation bus; the TTL bounds a change missed without Redis.
   */
  readonly catalogCache: { ttlMs: number };
  /** Every request to an org's store, a worker's writes and the query service's reads alike. */
  readonly store: { requestTimeoutMs: number };
  readonly writes: {
    dedupEnabled: boolean;
    dedupWindowSeconds: number;
    maxContentBytes: number;
    maxMetadataBytes: number;
    maxBatchSize: number;
    maxTags: number;
    hotTierMaxAgeMs: number;
    /** Group commit (`MEMTRACE_WRITE_GROUP_*`): how long a group stays open, and its size. */
    groupWindowMs: number;
    groupMaxMemories: number;
  };
  readonly ingest: {
    batchRows: number;
    batchMs: number;
    concurrency: number;
    /** Orgs one worker process drains at the same time (each for one turn of at most `batchRows` rows). */
    orgSlots: number;
    idleCloseMs: number;
    shutdownTimeoutMs: number;
    lockMs: number;
    /** Retention sweeps (`MEMTRACE_RETENTION_INTERVAL_MS`): one job per interval for the whole deployment. */
    retentionIntervalMs: number;
    port: number;
    host: string;
    retryMaxDelayMs: number;
    confirmTimeoutMs: number;
  };
  /**
   * The query service listens on `port` (bound to `http.host`). Gateways spread reads over
   * `addresses` (several query processes), by default just `host:port`.
   */
  readonly query: {
    host: string;
    port: number;
    bindHost: string;
    timeoutMs: number;
    maxFrameBytes: number;
    maxReadsPerOrg: number;
    addresses: Array<{ host: string; port: number }>;
  };
  /** Non-public hosts and CIDRs tenant admins may still bind a store to (lowercase, no trailing dot). */
  readonly storeUrlPolicy: { allow: string[] };
  /**
   * Gateway rate limits: per API key and per org, requests and memories per second; the defaults
   * of every org (an org's overrides live in PostgreSQL).
   */
  readonly rateLimits: {
    enabled: boolean;
    burstSeconds: number;
    defaults: { keyRequests: number; keyMemories: number; orgRequests: number; orgMemories: number };
  };
  /** Where this process serves /metrics; `port` unset means the app's own default. */
  readonly metrics: { host: string; port?: number; orgSeries: { named: string[]; max: number } };
  /**
   * OpenTelemetry traces: `tracesUrl` (the OTLP/HTTP traces endpoint) unset means tracing is off;
   * `serviceName` unset means the app's own (`memtrace-gateway`, …).
   */
  readonly tracing: { tracesUrl?: string; serviceName?: string; scheduledDelayMs?: number };
  private readonly internalSecret?: string;

  constructor(private readonly env: Env) {
    this.internalSecret = env.MEMTRACE_INTERNAL_SECRET || undefined;
    this.metrics = {
      host: env.MEMTRACE_METRICS_HOST,
      port: env.MEMTRACE_METRICS_PORT,
      orgSeries: { named: env.MEMTRACE_METRICS_ORGS, max: env.MEMTRACE_METRICS_MAX_ORG_SERIES },
    };
    this.database = { url: env.DATABASE_URL };
    this.redis = {
      url: env.REDIS_URL,
      clusterNodes: env.REDIS_CLUSTER_NODES,
      prefix: env.MEMTRACE_REDIS_PREFIX,
      commandTimeoutMs: env.MEMTRACE_REDIS_COMMAND_TIMEOUT_MS,
    };
    this.masterKey = { current: env.MEMTRACE_MASTER_KEY || undefined, previous: env.MEMTRACE_MASTER_KEY_PREVIOUS || undefined };
    this.http = {
      host: env.MEMTRACE_SERVER_HOST,
      gatewayPort: env.MEMTRACE_SERVER_PORT,
      adminPort: env.MEMTRACE_ADMIN_PORT,
      bodyLimitBytes: env.MEMTRACE_BODY_LIMIT_BYTES,
      connections: {
        requestTimeoutMs: env.MEMTRACE_HTTP_REQUEST_TIMEOUT_MS,
        headersTimeoutMs: env.MEMTRACE_HTTP_HEADERS_TIMEOUT_MS,
        keepAliveTimeoutMs: env.MEMTRACE_HTTP_KEEP_ALIVE_TIMEOUT_MS,
        maxConnections: env.MEMTRACE_MAX_CONNECTIONS,
      },
    };
    this.log = { level: env.MEMTRACE_LOG_LEVEL };
    this.bootstrap = { keyFile: env.MEMTRACE_BOOTSTRAP_KEY_FILE || undefined, operatorOrgId: env.MEMTRACE_OPERATOR_ORG };
    this.dataDir = env.MEMTRACE_DATA_DIR;
    this.catalogCache = { ttlMs: env.MEMTRACE_AUTH_CACHE_TTL_MS };
    this.store = { requestTimeoutMs: env.MEMTRACE_STORE_TIMEOUT_MS };
    this.writes = {
      dedupEnabled: env.MEMTRACE_DEDUP_ENABLED,
      dedupWindowSeconds: env.MEMTRACE_DEDUP_WINDOW_HOURS * 3600,
      maxContentBytes: env.MEMTRACE_MAX_CONTENT_BYTES,
      maxMetadataBytes: env.MEMTRACE_MAX_METADATA_BYTES,
      maxBatchSize: env.MEMTRACE_MAX_BATCH_SIZE,
      maxTags: env.MEMTRACE_MAX_TAGS,
      hotTierMaxAgeMs: env.MEMTRACE_HOT_TIER_MAX_AGE_MS,
      groupWindowMs: env.MEMTRACE_WRITE_GROUP_WINDOW_MS,
      groupMaxMemories: env.MEMTRACE_WRITE_GROUP_MAX_MEMORIES,
    };
    this.ingest = {
      batchRows: env.MEMTRACE_INGEST_BATCH_ROWS,
      batchMs: env.MEMTRACE_INGEST_BATCH_MS,
      concurrency: env.MEMTRACE_INGEST_CONCURRENCY,
      orgSlots: env.MEMTRACE_INGEST_ORG_SLOTS,
      idleCloseMs: env.MEMTRACE_WORKER_IDLE_CLOSE_MS,
      shutdownTimeoutMs: env.MEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS,
      lockMs: env.MEMTRACE_WORKER_LOCK_MS,
      retentionIntervalMs: env.MEMTRACE_RETENTION_INTERVAL_MS,
      port: env.MEMTRACE_WORKER_PORT,
      host: env.MEMTRACE_WORKER_HOST,
      retryMaxDelayMs: env.MEMTRACE_RETRY_MAX_DELAY_MS,
      confirmTimeoutMs: env.MEMTRACE_CONFIRM_TIMEOUT_MS,
    };
    this.query = {
      host: env.MEMTRACE_QUERY_HOST,
      port: env.MEMTRACE_QUERY_PORT,
      bindHost: env.MEMTRACE_QUERY_BIND_HOST,
      timeoutMs: env.MEMTRACE_QUERY_TIMEOUT_MS,
      maxFrameBytes: env.MEMTRACE_INTERNAL_MAX_FRAME_BYTES,
      maxReadsPerOrg: env.MEMTRACE_QUERY_MAX_READS_PER_ORG,
      addresses: env.MEMTRACE_QUERY_ADDRESSES
        ? env.MEMTRACE_QUERY_ADDRESSES.split(',').map((entry) => {
            const [host, port] = entry.trim().split(':');
            return { host, port: Number(port) };
          })
        : [{ host: env.MEMTRACE_QUERY_HOST, port: env.MEMTRACE_QUERY_PORT }],
    };
    this.storeUrlPolicy = { allow: env.MEMTRACE_STORE_URL_ALLOW };
    this.tracing = tracingConfig(env);
    this.rateLimits = {
      enabled: env.MEMTRACE_RATE_LIMIT_ENABLED,
      burstSeconds: env.MEMTRACE_RATE_LIMIT_BURST_SECONDS,
      defaults: {
        keyRequests: env.MEMTRACE_RATE_LIMIT_KEY_RPS,
        keyMemories: env.MEMTRACE_RATE_LIMIT_KEY_MEMORIES_PER_SEC,
        orgRequests: env.MEMTRACE_RATE_LIMIT_ORG_RPS,
        orgMemories: env.MEMTRACE_RATE_LIMIT_ORG_MEMORIES_PER_SEC,
      },
    };
  }

  /** The internal RPC secret; a process that talks to another cannot start without one. */
  requireInternalSecret(): string {
    if (this.internalSecret) return this.internalSecret;
    throw new ConfigError(
      'MEMTRACE_INTERNAL_SECRET is required for gateways and query processes: set the same value (at least 32 characters, e.g. `openssl rand -base64 32`) on each',
    );
  }

  /** This configuration with a fresh internal secret, for a process whose RPC peers live inside it (standalone). */
  withInProcessSecret(): AppConfig {
    if (this.internalSecret) return this;
    return new AppConfig({ ...this.env, MEMTRACE_INTERNAL_SECRET: randomBytes(32).toString('base64url') });
  }

  /** `defaults` are a program's own defaults, which the environment overrides (the CLI's quiet log). */
  static fromEnv(source: NodeJS.ProcessEnv = process.env, defaults: Readonly<Record<string, string>> = {}): AppConfig {
    return new AppConfig(loadEnv({ ...defaults, ...source }));
  }
}

/**
 * The OTLP/HTTP traces URL as the OpenTelemetry spec derives it: the signal-specific endpoint as
 * given, else the base endpoint plus `/v1/traces`. Spans go out as JSON (a collector's OTLP/HTTP
 * receiver accepts it), so another protocol is named at boot instead of failing every export.
 */
function tracingConfig(env: Env): AppConfig['tracing'] {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = env.OTEL_SDK_DISABLED ? undefined : (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base.replace(/\/+$/, '')}/v1/traces`));
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (tracesUrl && protocol !== undefined && protocol !== 'http/json') {
    throw new ConfigError(
      `invalid configuration:\n  OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported; traces are exported as OTLP/HTTP JSON (set http/json or leave it unset)`,
    );
  }
  return { tracesUrl, serviceName: env.OTEL_SERVICE_NAME, scheduledDelayMs: env.OTEL_BSP_SCHEDULE_DELAY };
}
