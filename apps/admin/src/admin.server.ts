import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@memtrace/config';
import { createHttpApp, HttpAppOptions, listenHttpApp } from '@memtrace/http';
import { createLogger, Metrics } from '@memtrace/observability';
import { apiKeyFromHeaders, BootstrapService, bootstrapOnStart, hashApiKey } from '@memtrace/tenancy';
import type { Logger } from 'pino';
import { AdminModule } from './admin.module';
import { AuditService } from './audit/audit.service';

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
  const metrics = options.metrics ?? new Metrics();
  let audit: AuditService | undefined;
  const http: HttpAppOptions = {
    name: 'admin',
    host: config.http.host,
    port: config.http.adminPort,
    bodyLimitBytes: config.http.bodyLimitBytes,
    logger,
    metrics,
    // Refused admin calls are part of the audit trail too; the key is identified by a hash prefix only.
    onError: (request, status) => {
      if (status !== 401 && status !== 403) return;
      const key = apiKeyFromHeaders(request.headers);
      const actor = key ? `key-hash:${hashApiKey(key).slice(0, 12)}` : 'anonymous';
      void audit?.denied(actor, `${request.method} ${request.routeOptions.url ?? request.url}`, status === 401 ? 'unauthenticated' : 'forbidden');
    },
  };
  const app = await createHttpApp(AdminModule.forRoot({ config, logger, metrics }), http);
  audit = app.get(AuditService);
  if (options.bootstrap !== false) await bootstrapOnStart(app.get(BootstrapService), config, logger);
  return { app, listen: () => listenHttpApp(app, http) };
}
