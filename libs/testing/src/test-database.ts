import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The database `node scripts/setup.js test` migrates; every suite works on its own clone. */
export const TEST_TEMPLATE_DB = 'memtrace_test_template';

export function serverUrl(database: string): string {
  const u = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/memtrace');
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one suite: a clone of the template (fast, and isolated, so suites
 * can run in parallel and a process under test can be pointed at it by URL).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `memtrace_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEST_TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: serverUrl(name),
    async drop() {
      const client = new Client({ connectionString: serverUrl('postgres') });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => client.end());
    },
  };
}

/** A Redis key prefix of one's own, so suites never see each other's keys or messages. */
export function testRedisPrefix(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}
