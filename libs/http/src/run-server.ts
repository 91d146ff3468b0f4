import { AppConfig, ConfigError, describeStartupError } from '@memtrace/config';
import { createLogger, Metrics, routeProcessOutputToLogger, startTracing } from '@memtrace/observability';
import type { Logger } from 'pino';
import { MetricsServer, startMetricsServer } from './metrics.server';

export interface Closable {
  close(): Promise<unknown>;
}

/** What every server process shares: one logger and one metrics registry (scraped on the metrics port). */
export interface ProcessPlatform {
  logger: Logger;
  metrics: Metrics;
}

/**
 * Each app's metrics port when MEMTRACE_METRICS_PORT is not set: distinct, so the apps of a split
 * deployment can run side by side on one host.
 */
const DEFAULT_METRICS_PORTS: Record<string, number> = { gateway: 9190, standalone: 9190, admin: 9191, 'ingest-worker': 9192, query: 9193 };

/** How long a SIGTERM may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 25_000;

/**
 * Process entry of every server: loads the configuration, starts, and turns start-up failures into
 * one clear line on stderr and exit code 1 (instead of a stack trace from deep inside a driver).
 * On SIGTERM or SIGINT it closes what `start` returned, in order, and exits 0.
 */
export async function runServer(name: string, start: (config: AppConfig, platform: ProcessPlatform) => Promise<Closable[]>): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (error) {
    fail(name, error instanceof ConfigError ? error.message : String(error));
  }
  const logger = createLogger({ level: config.log.level, name });
  routeProcessOutputToLogger(logger);
  const metrics = new Metrics(config.metrics.orgSeries);
  let closables: Closable[];
  let metricsServer: MetricsServer;
  try {
    const port = config.metrics.port ?? DEFAULT_METRICS_PORTS[name] ?? 0;
    // Before the apps start, so their spans have a provider; closed last, so the last spans go out.
    const tracing = await startTracing(config.tracing, { app: name, logger });
    metricsServer = await startMetricsServer({ host: config.metrics.host, port, metrics, logger });
    closables = [...(await start(config, { logger, metrics })), metricsServer, ...(tracing ? [tracing] : [])];
    metricsServer.setReady(true);
  } catch (error) {
    fail(name, describeStartupError(error as Error, config));
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`memtrace ${name}: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting\n`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    // Unready first, so an orchestrator stops routing to this process while it drains.
    metricsServer.setReady(false);
    for (const closable of closables) await closable.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function fail(name: string, message: string): never {
  process.stderr.write(`memtrace ${name}: ${message}\n`);
  process.exit(1);
}
