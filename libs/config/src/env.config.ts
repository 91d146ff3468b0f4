import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every environment variable Memtrace reads, in one place (the README's configuration table mirrors
 * this file). Defaults work on a machine whose PostgreSQL and Redis listen on their standard
 * loopback ports.
 */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const boolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
/** An IP address, `address/prefix`, or a DNS name (the entries of MEMTRACE_STORE_URL_ALLOW). */
const isHostOrCidr = (entry: string) => {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (prefix === undefined) return family !== 0 || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry);
  return family !== 0 && extra === undefined && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
};
/** An optional value where an empty string means unset (`OTEL_EXPORTER_OTLP_ENDPOINT=` turns tracing off). */
const unlessEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const envSchema = z.object({
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/memtrace'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  MEMTRACE_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')
    .default('memtrace'),
  /**
   * A Redis Cluster instead of REDIS_URL: some of its nodes, `host:port` comma-separated (the rest
   * are discovered). Every key of one org then carries the org as a hash tag (design §8b).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .default('')
    .transform((v, ctx) =>
      v
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)
        .map((entry) => {
          const match = /^([^\s:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(entry);
          if (!match || Number(match[2]) > 65535) {
            ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port` });
            return { host: '', port: 0 };
          }
          return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
        }),
    ),
  /** How long a request waits for a Redis reply before it fails (503 for writes, unready for /ready). */
  MEMTRACE_REDIS_COMMAND_TIMEOUT_MS: positiveInt(1500),
  MEMTRACE_MASTER_KEY: z.string().optional(),
  MEMTRACE_MASTER_KEY_PREVIOUS: z.string().optional(),
  MEMTRACE_SERVER_HOST: z.string().default('0.0.0.0'),
  MEMTRACE_SERVER_PORT: port(9100),
  MEMTRACE_ADMIN_PORT: port(9101),
  MEMTRACE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MEMTRACE_BOOTSTRAP_KEY_FILE: z.string().optional(),
  MEMTRACE_DATA_DIR: z.string().default('./data'),
  MEMTRACE_OPERATOR_ORG: z.string().default('org_default'),
  MEMTRACE_AUTH_CACHE_TTL_MS: positiveInt(30_000),
  MEMTRACE_BODY_LIMIT_BYTES: positiveInt(4 * 1024 * 1024),
  /** A request (headers and body) must arrive within this; a trickling client gets 408 and is closed. */
  MEMTRACE_HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  MEMTRACE_HTTP_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  /** Above the usual 60 s idle timeout of load balancers, so they close idle connections first. */
  MEMTRACE_HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt(72_000),
  /** Open connections per HTTP (and the query service's TCP) server; past it new ones are dropped. */
  MEMTRACE_MAX_CONNECTIONS: positiveInt(10_000),
  MEMTRACE_DEDUP_ENABLED: boolean(true),
  MEMTRACE_DEDUP_WINDOW_HOURS: positiveInt(24),
  MEMTRACE_MAX_CONTENT_BYTES: positiveInt(64 * 1024),
  MEMTRACE_MAX_METADATA_BYTES: positiveInt(64 * 1024),
  MEMTRACE_MAX_BATCH_SIZE: positiveInt(1000),
  MEMTRACE_MAX_TAGS: positiveInt(64),
  /**
   * Group commit: write requests of one org that reach a gateway together (within the window, 0 =
   * the same turn of the event loop) share one Redis script and one job, up to this many memories.
   */
  MEMTRACE_WRITE_GROUP_WINDOW_MS: z.coerce.number().int().min(0).max(1000).default(0),
  MEMTRACE_WRITE_GROUP_MAX_MEMORIES: positiveInt(1000),
  MEMTRACE_INGEST_BATCH_ROWS: positiveInt(1000),
  MEMTRACE_INGEST_BATCH_MS: positiveInt(50),
  MEMTRACE_INGEST_CONCURRENCY: positiveInt(2000),
  MEMTRACE_INGEST_ORG_SLOTS: positiveInt(4),
  MEMTRACE_WORKER_IDLE_CLOSE_MS: positiveInt(60_000),
  MEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS: positiveInt(20_000),
  MEMTRACE_WORKER_LOCK_MS: positiveInt(30_000),
  /** How often the worker tier's retention sweep looks for memories past their org's retention. */
  MEMTRACE_RETENTION_INTERVAL_MS: positiveInt(3_600_000),
  MEMTRACE_WORKER_PORT: port(9102),
  /** The worker's health port is for probes, not clients: loopback unless set (e.g. to the pod IP). */
  MEMTRACE_WORKER_HOST: z.string().default('127.0.0.1'),
  /** Prometheus scrapes here; the series name orgs, so loopback unless the operator opens it. */
  MEMTRACE_METRICS_HOST: z.string().default('127.0.0.1'),
  /** Default per app: gateway/standalone 9190, admin 9191, ingest-worker 9192, query 9193. */
  MEMTRACE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Orgs that always get per-org series (comma-separated ids). */
  MEMTRACE_METRICS_ORGS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((e) => e.trim()).filter(Boolean)),
  /** Further orgs with per-org series in one process (first seen); the rest share `org="_other"`. */
  MEMTRACE_METRICS_MAX_ORG_SERIES: z.coerce.number().int().min(0).default(100),
  /** Rate limits of the gateway (REST and /mcp), shared by every gateway through Redis (GCRA). */
  MEMTRACE_RATE_LIMIT_ENABLED: boolean(true),
  MEMTRACE_RATE_LIMIT_KEY_RPS: positiveInt(500),
  MEMTRACE_RATE_LIMIT_KEY_MEMORIES_PER_SEC: positiveInt(5000),
  MEMTRACE_RATE_LIMIT_ORG_RPS: positiveInt(2000),
  MEMTRACE_RATE_LIMIT_ORG_MEMORIES_PER_SEC: positiveInt(20_000),
  /** How many seconds of a limit's rate may arrive at once (the GCRA burst). */
  MEMTRACE_RATE_LIMIT_BURST_SECONDS: z.coerce.number().positive().max(3600).default(2),
  MEMTRACE_STORE_TIMEOUT_MS: positiveInt(10_000),
  MEMTRACE_RETRY_MAX_DELAY_MS: positiveInt(30_000),
  MEMTRACE_CONFIRM_TIMEOUT_MS: positiveInt(30_000),
  MEMTRACE_HOT_TIER_MAX_AGE_MS: positiveInt(6 * 3600 * 1000),
  MEMTRACE_QUERY_HOST: z.string().default('127.0.0.1'),
  MEMTRACE_QUERY_PORT: port(9103),
  MEMTRACE_QUERY_TIMEOUT_MS: positiveInt(15_000),
  /** Concurrent store reads one org may have in one query process; past it a read is a 503 at once. */
  MEMTRACE_QUERY_MAX_READS_PER_ORG: positiveInt(64),
  /** The query service's own bind address: loopback unless a split deployment opens it on purpose. */
  MEMTRACE_QUERY_BIND_HOST: z.string().default('127.0.0.1'),
  /** Shared by gateways and query processes; every internal RPC frame is signed with it (design §7). */
  MEMTRACE_INTERNAL_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
  /** The largest request frame the query service accepts; past it the connection closes. */
  MEMTRACE_INTERNAL_MAX_FRAME_BYTES: positiveInt(1024 * 1024),
  /** Optional `host:port,host:port` of several query processes; default MEMTRACE_QUERY_HOST:MEMTRACE_QUERY_PORT. */
  MEMTRACE_QUERY_ADDRESSES: z
    .string()
    .regex(/^\s*[^\s:,]+:\d{1,5}\s*(,\s*[^\s:,]+:\d{1,5}\s*)*$/, 'must be host:port[,host:port…]')
    .optional(),
  /** Hosts and CIDRs that tenant admins may bind stores to although they are not public (see the README). */
  MEMTRACE_STORE_URL_ALLOW: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((e) => e.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean))
    .superRefine((entries, ctx) => {
      const bad = entries.filter((e) => !isHostOrCidr(e));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `not a host, IP address or CIDR: ${bad.join(', ')} (e.g. arc.internal, 10.0.0.0/8, fd00::/8)` });
    }),
  /**
   * OpenTelemetry traces (the standard OTEL_* variables): spans are exported over OTLP/HTTP only when
   * an endpoint is set; otherwise no tracer is registered and tracing costs nothing.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: unlessEmpty(z.string().url()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: unlessEmpty(z.string().url()),
  /** The exporter speaks OTLP/HTTP with JSON bodies; the variable is checked so a mismatch is named at boot. */
  OTEL_EXPORTER_OTLP_PROTOCOL: unlessEmpty(z.string()),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: unlessEmpty(z.string()),
  /** Default `memtrace-<app>` (memtrace-gateway, memtrace-query, …). */
  OTEL_SERVICE_NAME: unlessEmpty(z.string()),
  /** Delay between two span exports, ms (the SDK's default is 5000). */
  OTEL_BSP_SCHEDULE_DELAY: unlessEmpty(z.coerce.number().int().min(0)),
  OTEL_SDK_DISABLED: boolean(false),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Parses the environment once; a bad value stops the process with every problem named. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`invalid configuration:\n${problems}`);
  }
  return parsed.data;
}
