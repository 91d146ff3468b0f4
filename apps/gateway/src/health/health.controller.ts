import { Controller, Get, Res } from '@nestjs/common';
import { PrismaService } from '@memtrace/catalog';
import { RedisService } from '@memtrace/redis';
import { Public } from '@memtrace/tenancy';
import type { FastifyReply } from 'fastify';

const startedAt = Date.now();

/**
 * Upstream's /health and /ready, without upstream's `arc` map of every org (design §7: public
 * endpoints name no tenant; operators see store health at `GET /admin/v1/stores/health`).
 * Readiness depends on this process's own dependencies (PostgreSQL, Redis) only: one tenant's
 * broken store never takes the whole pod out of rotation, which upstream did.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
  ) {}

  @Get('health')
  @Public()
  health() {
    return { status: 'ok', service: 'memtrace', uptime: formatUptime(Date.now() - startedAt) };
  }

  @Get('ready')
  @Public()
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const failures = await this.dependencyFailures();
    if (failures.length > 0) {
      reply.status(503);
      return { status: 'not ready', reason: failures.join(','), hint: 'check DATABASE_URL and REDIS_URL' };
    }
    return { status: 'ready' };
  }

  private async dependencyFailures(): Promise<string[]> {
    const [pg, redis] = await Promise.all([
      this.prisma.$queryRaw`SELECT 1`.then(() => null, () => 'postgres_unreachable'),
      this.redis.isConnected() ? this.redis.client.ping().then(() => null, () => 'redis_unreachable') : 'redis_unreachable',
    ]);
    return [pg, redis].filter((f): f is string => f !== null);
  }
}

/** Go's Duration.String() shape (`2h30m15.5s`), as upstream reports uptime. */
export function formatUptime(ms: number): string {
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Number((totalSeconds % 60).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
