import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { Redis, RedisOptions } from 'ioredis';

/**
 * The process's Redis connections and the one place that names keys and channels: every key is
 * `<prefix>:<parts…>`, so several deployments (or test suites) can share one Redis.
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: Redis;
  private readonly extra: Redis[] = [];

  constructor(private readonly config: AppConfig) {
    // Auto-pipelining sends every command issued in the same tick in one write: under concurrent
    // requests it removes most of the per-command syscalls and the cost of Pipeline objects.
    this.client = this.connect({ enableAutoPipelining: true });
  }

  key(...parts: string[]): string {
    return [this.config.redis.prefix, ...parts].join(':');
  }

  /** A further connection (a subscriber, a blocking consumer) closed with the service. */
  connect(options: RedisOptions = {}): Redis {
    const connection = new Redis(this.config.redis.url, { connectTimeout: 2_000, ...options });
    // ioredis reconnects on its own; without a listener an outage would print an unhandled-error trace.
    connection.on('error', () => undefined);
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
