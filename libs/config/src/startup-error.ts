import type { AppConfig } from './app-config';
import { ConfigError } from './env.config';

/** Names the dependency that is down and how to start one. */
export function describeStartupError(error: Error & { code?: string }, config: AppConfig): string {
  if (error instanceof ConfigError) return error.message;
  const text = `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`;
  if (error.code === 'EADDRINUSE') return `cannot listen: ${error.message}`;
  if (/Can't reach database server|P1001|P1000|ECONNREFUSED.*543|database .* does not exist/i.test(text) && !/redis|6379/i.test(text)) {
    const reason = /does not exist/i.test(text) ? 'the database does not exist; `npm start` creates it' : 'connection refused or timed out';
    return `cannot reach PostgreSQL at ${redactUrl(config.database.url)} (${reason}); start it (e.g. \`pg_ctlcluster <version> main start\`) or set DATABASE_URL`;
  }
  if (/redis|6379/i.test(text)) {
    return `cannot reach Redis at ${redactUrl(config.redis.url)} (${error.message}); start it (e.g. \`redis-server --daemonize yes\`) or set REDIS_URL`;
  }
  return error.stack ?? error.message;
}

/** A connection URL without its password, safe to print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable url)';
  }
}
