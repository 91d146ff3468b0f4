import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { AppConfig } from '@memtrace/config';
import { generateMasterKey } from '@memtrace/tenancy';
import { createTestDatabase, testRedisPrefix, TestDatabase } from './test-database';

/** Everything one suite needs to run apps in isolation: its database, Redis prefix and env. */
export interface TestEnv {
  db: TestDatabase;
  env: Record<string, string>;
  config(overrides?: Record<string, string>): AppConfig;
  close(): Promise<void>;
}

export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const db = await createTestDatabase();
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    MEMTRACE_REDIS_PREFIX: testRedisPrefix(),
    MEMTRACE_MASTER_KEY: generateMasterKey(),
    MEMTRACE_SERVER_HOST: '127.0.0.1',
    MEMTRACE_SERVER_PORT: '0',
    MEMTRACE_ADMIN_PORT: '0',
    MEMTRACE_WORKER_PORT: '0',
    MEMTRACE_METRICS_PORT: '0',
    // Gateways must know the query service's port before it starts, so it cannot be 0.
    MEMTRACE_QUERY_PORT: String(await freePort()),
    MEMTRACE_QUERY_HOST: '127.0.0.1',
    MEMTRACE_INTERNAL_SECRET: randomBytes(32).toString('base64url'),
    MEMTRACE_LOG_LEVEL: 'silent',
    ...overrides,
  };
  return {
    db,
    env,
    config: (more = {}) => AppConfig.fromEnv({ ...env, ...more }),
    close: () => db.drop(),
  };
}

/** A TCP port that was free a moment ago (the OS picks it); for services whose port others need up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
