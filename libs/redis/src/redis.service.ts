import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { ErrorThrottle, LOGGER } from '@memtrace/observability';
import { Cluster, Redis, RedisOptions } from 'ioredis';
import { once } from 'node:events';
import type { Logger } from 'pino';

/** A connection to a single Redis or to a Redis Cluster: the commands the code uses exist on both. */
export type RedisClient = Redis | Cluster;

/**
 * The process's Redis connections and the one place that names keys and channels: every key is
 * `<prefix>:<parts…>`, so several deployments (or test suites) can share one Redis. With
 * REDIS_CLUSTER_NODES, every connection is a Redis Cluster client and `orgTag` makes each org's keys
 * one hash slot, so one org's multi-key scripts run on one node and different orgs spread out.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnModuleDestroy {
  readonly client: RedisClient;
  /** True when connected to a Redis Cluster. */
  readonly cluster: boolean;
  private readonly extra: RedisClient[] = [];
  /** One line when the process loses Redis and one when it is back, not one per reconnect attempt. */
  private readonly errors?: ErrorThrottle;

  constructor(
    private readonly config: AppConfig,
    @Optional() @Inject(LOGGER) logger?: Logger,
  ) {
    this.errors = logger && new ErrorThrottle(logger, 'redis connection error');
    this.cluster = config.redis.clusterNodes.length > 0;
    // Auto-pipelining sends every command issued in the same tick in one write: under concurrent
    // requests it removes most of the per-command syscalls and the cost of Pipeline objects.
    //
    // The request path fails fast instead of waiting for Redis to come back (ioredis's defaults
    // queue commands while disconnected and retry them 20 times, which held a write for 62 s and
    // then stored it although its client had given up): no offline queue, a command in flight when
    // the connection drops fails at once and is never re-sent, and one that gets no reply within
    // MEMTRACE_REDIS_COMMAND_TIMEOUT_MS fails. Blocking consumers use `connect()`, which keeps the defaults.
    this.client = this.connect(
      { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, commandTimeout: config.redis.commandTimeoutMs },
      { enableAutoPipelining: true, enableOfflineQueue: false },
    );
  }

  /** Without an offline queue, nothing may be sent before the first connection is up. */
  async onModuleInit() {
    if (this.client.status === 'ready') return;
    // Redis down at start-up is not fatal: requests answer 503 and /ready says so until it is back.
    await once(this.client, 'ready', { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  }

  /** True while the request-path connection is up (readiness; no round trip). */
  isConnected(): boolean {
    return this.client.status === 'ready';
  }

  key(...parts: string[]): string {
    return [this.config.redis.prefix, ...parts].join(':');
  }

  /** The org's part of its keys: a hash tag on a cluster, the bare id otherwise (today's key layout). */
  orgTag(orgId: string): string {
    return this.cluster ? `{${orgId}}` : orgId;
  }

  /**
   * A further connection (a subscriber, a blocking consumer) closed with the service. `options` are
   * per node; `shared` are the client's own (for a cluster, its options beside the nodes').
   */
  connect(options: RedisOptions = {}, shared: { enableAutoPipelining?: boolean; enableOfflineQueue?: boolean } = {}): RedisClient {
    // Named after the process, so `CLIENT LIST` shows which process holds which connections.
    const node: RedisOptions = { connectTimeout: 2_000, connectionName: `memtrace-${process.pid}`, ...options };
    const connection = this.cluster
      ? new Cluster(this.config.redis.clusterNodes, { ...shared, redisOptions: node, clusterRetryStrategy: () => 1_000 })
      : new Redis(this.config.redis.url, { ...node, ...shared });
    // ioredis reconnects on its own; without a listener an outage would print an unhandled-error trace.
    if (this.errors) this.errors.watch(connection, { recoveredOn: 'ready' });
    else connection.on('error', () => undefined);
    if (this.client) this.extra.push(connection);
    return connection;
  }

  async onModuleDestroy() {
    // quit() waits for a reply, which never comes while Redis is down: drop such connections at once.
    await Promise.all(
      [this.client, ...this.extra].map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())),
    );
  }
}
