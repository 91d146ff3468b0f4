import { format } from 'node:util';
import type { Logger } from 'pino';

/**
 * Makes everything a server process says on its own go through `logger`, one JSON line each,
 * so that log pipelines never meet a raw stack trace between the JSON lines:
 *
 * - an uncaught exception is logged as `fatal` and the process exits 1 (its state is unknown; the
 *   orchestrator restarts it, queued work is safe in Redis). pino flushes on exit.
 * - an unhandled rejection is logged as `error` and the process keeps running: a promise nobody
 *   awaited cannot have left shared state half-changed, and crashing a worker for a stray
 *   rejection during an outage would only add a restart to the outage.
 * - Node's process warnings (MaxListenersExceededWarning, deprecations) replace Node's printer.
 * - `console.*`: the known library prints (ioredis's "Unhandled error event", BullMQ's fallback
 *   for an 'error' event without a listener) are prevented by the listeners `ErrorThrottle`
 *   attaches; this catches the prints that offer no listener (BullMQ's Redis version and eviction
 *   policy warnings, ioredis's ready-check and AUTH warnings, Prisma's `prisma:warn`). Lines from
 *   here carry `source: "console"`, so a new library print is easy to find and give a listener.
 *
 * For server entries only: the CLI's and the MCP server's stdout is their output, not a log.
 */
export function routeProcessOutputToLogger(logger: Logger): void {
  process.on('uncaughtException', (error, origin) => {
    logger.fatal({ err: error, origin }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ source: 'process', name: warning.name, code: (warning as { code?: string }).code }, warning.message));
  const forward = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => logger[level]({ source: 'console' }, format(...args));
  Object.assign(console, { debug: forward('debug'), trace: forward('debug'), log: forward('info'), info: forward('info'), warn: forward('warn'), error: forward('error') });
}
