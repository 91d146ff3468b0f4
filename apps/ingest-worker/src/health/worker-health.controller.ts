import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '@memtrace/tenancy';
import type { FastifyReply } from 'fastify';
import { IngestScheduler } from '@memtrace/ingest';

const startedAt = Date.now();

/**
 * The worker's probe port (MEMTRACE_WORKER_PORT): liveness, readiness, and the deployment-wide
 * backlog an autoscaler reads (KEDA's metrics-api scaler, `valueLocation: backlog`). None of them
 * names a tenant; the per-org work is in /metrics on the metrics port.
 */
@Controller()
export class WorkerHealthController {
  constructor(private readonly scheduler: IngestScheduler) {}

  @Get('health')
  @Public()
  health() {
    return { status: 'ok', service: 'memtrace-ingest-worker', uptime_sec: Math.round((Date.now() - startedAt) / 1000) };
  }

  /** Ready while it takes jobs: started, not stopping, and Redis reachable. */
  @Get('ready')
  @Public()
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    if (this.scheduler.consuming) return { status: 'ready' };
    reply.status(503);
    return { status: 'not ready', reason: 'not consuming (starting, stopping, or Redis unreachable)' };
  }

  /** Jobs no worker has taken yet, summed over every org (waiting + prioritized + delayed). */
  @Get('backlog')
  @Public()
  async backlog(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      return await this.scheduler.backlog();
    } catch {
      reply.status(503);
      return { error: 'the backlog cannot be measured now (Redis unreachable)' };
    }
  }
}
