import { Controller, Get } from '@nestjs/common';
import { Public } from '@memtrace/tenancy';

const startedAt = Date.now();

@Controller()
export class AdminHealthController {
  @Get('health')
  @Public()
  health() {
    return { status: 'ok', service: 'memtrace-admin', uptime_sec: Math.round((Date.now() - startedAt) / 1000) };
  }
}
