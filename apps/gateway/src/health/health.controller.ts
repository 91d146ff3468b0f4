import { Controller, Get, Res } from '@nestjs/common';
import { Public, ReadinessProbe } from '@memtrace/tenancy';
import type { FastifyReply } from 'fastify';

const startedAt = Date.now();

/**
 * Upstream's /health and /ready, without upstream's `arc` map of every org (design §7: public
 * endpoints name no tenant; operators see store health at `GET /admin/v1/stores/health`).
 * Readiness is `ReadinessProbe`'s: this process's own dependencies only.
 */
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessProbe) {}

  @Get('health')
  @Public()
  health() {
    return { status: 'ok', service: 'memtrace', uptime: formatUptime(Date.now() - startedAt) };
  }

  @Get('ready')
  @Public()
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.readiness.answer(reply);
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
