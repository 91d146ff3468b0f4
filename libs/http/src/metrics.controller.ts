import { Controller, Get, Header } from '@nestjs/common';
import { Metrics } from '@memtrace/observability';
import { Public } from '@memtrace/tenancy';

/** Prometheus scrape endpoint; holds no tenant data, so it is public like upstream's health. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get('metrics')
  @Public()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
