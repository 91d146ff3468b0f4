import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@memtrace/config';
import { createHttpApp, HttpAppOptions, listenHttpApp } from '@memtrace/http';
import { createLogger, Metrics } from '@memtrace/observability';
import { BootstrapService, bootstrapOnStart } from '@memtrace/tenancy';
import type { Logger } from 'pino';
import { GatewayModule } from './gateway.module';
import { upstreamJsonBodies } from './http/json-body.parser';
import { OpenApiDocument } from './openapi/openapi.controller';

export interface GatewayOptions {
  config: AppConfig;
  logger?: Logger;
  metrics?: Metrics;
  bootstrap?: boolean;
}

export interface PreparedApp {
  app: NestFastifyApplication;
  listen(): Promise<void>;
}

/** Builds the public REST API; `listen()` opens MEMTRACE_SERVER_PORT. */
export async function prepareGateway(options: GatewayOptions): Promise<PreparedApp> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.log.level, name: 'gateway' });
  const metrics = options.metrics ?? new Metrics(config.metrics.orgSeries);
  const http: HttpAppOptions = {
    name: 'gateway',
    host: config.http.host,
    port: config.http.gatewayPort,
    bodyLimitBytes: config.http.bodyLimitBytes,
    connections: config.http.connections,
    logger,
    metrics,
  };
  const app = await createHttpApp(GatewayModule.forRoot({ config, logger, metrics }), http);
  if (options.bootstrap !== false) await bootstrapOnStart(app.get(BootstrapService), config, logger);
  const listen = async () => {
    // Nest registers its body parsers during init; the gateway's checked JSON parser replaces them after.
    await app.init();
    upstreamJsonBodies(app);
    app.get(OpenApiDocument).build(app);
    await listenHttpApp(app, http);
  };
  return { app, listen };
}
