import { AppConfig } from '@memtrace/config';
import { Closable, createHttpApp, httpClosable, listenHttpApp } from '@memtrace/http';
import { createLogger, Metrics } from '@memtrace/observability';
import type { Logger } from 'pino';
import { IngestWorkerModule } from './ingest-worker.module';
import { WorkerRegistry } from './tenants/worker-registry.service';

/** Starts the ingest worker; the returned closables stop consuming first, then the app. */
export async function startIngestWorker(options: { config: AppConfig; logger?: Logger; metrics?: Metrics }): Promise<Closable[]> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.log.level, name: 'ingest-worker' });
  const metrics = options.metrics ?? new Metrics();
  const http = { name: 'ingest-worker', host: config.http.host, port: config.ingest.port, bodyLimitBytes: 1024, logger, metrics };
  const app = await createHttpApp(IngestWorkerModule.forRoot({ config, logger, metrics }), http);
  await listenHttpApp(app, http);
  const registry = app.get(WorkerRegistry);
  return [{ close: () => registry.close() }, httpClosable(app)];
}
