import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@memtrace/config';
import { startHttpApp } from '@memtrace/http';
import { createLogger, Metrics } from '@memtrace/observability';
import { BootstrapService, bootstrapOnStart } from '@memtrace/tenancy';
import type { Logger } from 'pino';
import { GatewayModule } from './gateway.module';

export interface GatewayOptions {
  config: AppConfig;
  logger?: Logger;
  metrics?: Metrics;
  bootstrap?: boolean;
}

/** Starts the public REST API on MEMTRACE_SERVER_PORT. */
export async function startGateway(options: GatewayOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.log.level, name: 'gateway' });
  const metrics = options.metrics ?? new Metrics();
  const app = await startHttpApp(GatewayModule.forRoot({ config, logger, metrics }), {
    name: 'gateway',
    host: config.http.host,
    port: config.http.gatewayPort,
    bodyLimitBytes: config.http.bodyLimitBytes,
    logger,
    metrics,
  });
  if (options.bootstrap !== false) await bootstrapOnStart(app.get(BootstrapService), config, logger);
  return app;
}
