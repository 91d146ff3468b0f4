import { Injectable } from '@nestjs/common';
import { PrismaService } from '@memtrace/catalog';
import { RedisService } from '@memtrace/redis';

/**
 * What `/ready` of an API process checks: this process's own dependencies (PostgreSQL, Redis)
 * only. One tenant's broken store never takes the whole pod out of rotation, which upstream did.
 */
@Injectable()
export class ReadinessProbe {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
  ) {}

  /** The reasons this process is not ready; empty when it is. */
  async failures(): Promise<string[]> {
    const [pg, redis] = await Promise.all([
      this.prisma.$queryRaw`SELECT 1`.then(() => null, () => 'postgres_unreachable'),
      this.redis.isConnected() ? this.redis.client.ping().then(() => null, () => 'redis_unreachable') : 'redis_unreachable',
    ]);
    return [pg, redis].filter((f): f is string => f !== null);
  }

  /** Answers `/ready` on `reply`: 200 `{"status":"ready"}`, or 503 naming what is unreachable. */
  async answer(reply: { status(code: number): unknown }): Promise<Record<string, string>> {
    const failures = await this.failures();
    if (failures.length === 0) return { status: 'ready' };
    reply.status(503);
    return { status: 'not ready', reason: failures.join(','), hint: 'check DATABASE_URL and REDIS_URL' };
  }
}
