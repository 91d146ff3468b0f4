import { Controller, Get } from '@nestjs/common';
import { Public } from '@memtrace/tenancy';

const startedAt = Date.now();

/** Liveness for orchestrators; the work itself is visible in /metrics (queue depth, retries). */
@Controller()
export class WorkerHealthController {
  @Get('health')
  @Public()
  health() {
    return { status: 'ok', service: 'memtrace-ingest-worker', uptime_sec: Math.round((Date.now() - startedAt) / 1000) };
  }
}
