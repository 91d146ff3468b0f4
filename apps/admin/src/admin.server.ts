import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@memtrace/config';
import { createHttpApp, HttpAppOptions, listenHttpApp } from '@memtrace/http';
import { createLogger, Metrics } from '@memtrace/observability';
import { BootstrapService, bootstrapOnStart } from '@memtrace/tenancy';
import type { Logger } from 'pino';
import { AdminModule } from './admin.module';
import { AuditService } from './audit/audit.service';
import { toRefusalEntry } from './audit/refusal.mapper';

export interface ServerOptions {
  config: AppConfig;
  logger?: Logger;
  metrics?: Metrics;
  /** False when another app of the same process already bootstrapped. */
  bootstrap?: boolean;
}

/** Builds the admin HTTP API; `listen()` opens MEMTRACE_ADMIN_PORT. */
export async function prepareAdmin(options: ServerOptions): Promise<{ app: NestFastifyApplication; listen(): Promise<void> }> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.log.level, name: 'admin' });
  const metrics = options.metrics ?? new Metrics(config.metrics.orgSeries);
  let audit: AuditService | undefined;
  const http: HttpAppOptions = {
    name: 'admin',
    host: config.http.host,
    port: config.http.adminPort,
    bodyLimitBytes: config.http.bodyLimitBytes,
    connections: config.http.connections,
    logger,
    metrics,
    // The one place every refused admin call (guard, service or missing resource) joins the audit
    // trail, unless `mutate` already recorded the attempt as failed. The response is not changed.
    onError: (request, status, body, exception) => {
      if (!audit || audit.hasRecorded(exception)) return;
      const entry = toRefusalEntry(request, status, body);
      if (entry) void audit.refused(entry);
    },
  };
  const app = await createHttpApp(AdminModule.forRoot({ config, logger, metrics }), http);
  audit = app.get(AuditService);
  if (options.bootstrap !== false) await bootstrapOnStart(app.get(BootstrapService), config, logger);
  return { app, listen: () => listenHttpApp(app, http) };
}
