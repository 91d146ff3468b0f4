import { DynamicModule, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@memtrace/config';
import { Closable, createHttpApp, httpClosable, listenHttpApp } from '@memtrace/http';
import { createLogger, Metrics } from '@memtrace/observability';
import type { Logger } from 'pino';
import { IngestWorkerModule } from './ingest-worker.module';
import { ErasureRunner } from './erasures/erasure-runner';
import { IngestScheduler } from '@memtrace/ingest';

/** Starts the ingest worker; the returned closables stop consuming first, then the app. */
export interface IngestWorkerOptions {
  config: AppConfig;
  logger?: Logger;
  metrics?: Metrics;
  /**
   * More modules for the same application (standalone adds the query handlers, so the store
   * registry, and with it the embedded DuckDB file, has one owner per process) and a hook to start
   * them (e.g. connect a microservice) before the worker listens.
   */
  extraImports?: Array<Type | DynamicModule>;
  beforeListen?: (app: NestFastifyApplication) => Promise<void>;
}

export async function startIngestWorker(options: IngestWorkerOptions): Promise<Closable[]> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.log.level, name: 'ingest-worker' });
  const metrics = options.metrics ?? new Metrics(config.metrics.orgSeries);
  const http = { name: 'ingest-worker', host: config.ingest.host, port: config.ingest.port, bodyLimitBytes: 1024, connections: config.http.connections, logger, metrics };
  const app = await createHttpApp(IngestWorkerModule.forRoot({ config, logger, metrics }, options.extraImports), http);
  await options.beforeListen?.(app);
  await listenHttpApp(app, http);
  const scheduler = app.get(IngestScheduler);
  const erasures = app.get(ErasureRunner);
  return [{ close: () => Promise.all([scheduler.close(), erasures.close()]) }, httpClosable(app)];
}
