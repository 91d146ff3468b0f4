import { Controller, Get, Res } from '@nestjs/common';
import { Public, ReadinessProbe } from '@memtrace/tenancy';
import type { FastifyReply } from 'fastify';

const startedAt = Date.now();

@Controller()
export class AdminHealthController {
  constructor(private readonly readiness: ReadinessProbe) {}

  @Get('health')
  @Public()
  health() {
    return { status: 'ok', service: 'memtrace-admin', uptime_sec: Math.round((Date.now() - startedAt) / 1000) };
  }

  /** Ready while PostgreSQL and Redis answer (the admin API needs both). */
  @Get('ready')
  @Public()
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.readiness.answer(reply);
  }
}
