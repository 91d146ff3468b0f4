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

/**
 * Ports handed out below Linux's ephemeral range (32768-60999 by default). A port the OS picks
 * for `listen(0)` comes from that range, and so does the source port of every outgoing
 * connection: between this check and the service's own listen, a connection of a parallel suite
 * took the port now and then (EADDRINUSE in CI). Below the range only another suite's pick can
 * collide, and the random start makes that rare.
 */
const FIXED_PORTS = { first: 20_000, count: 12_000 };

/** A TCP port that was free a moment ago, for services whose port others need up front. */
export async function freePort(): Promise<number> {
  const start = Math.floor(Math.random() * FIXED_PORTS.count);
  for (let i = 0; i < FIXED_PORTS.count; i++) {
    const port = FIXED_PORTS.first + ((start + i) % FIXED_PORTS.count);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${FIXED_PORTS.first}-${FIXED_PORTS.first + FIXED_PORTS.count - 1}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
