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
