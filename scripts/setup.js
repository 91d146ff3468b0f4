#!/usr/bin/env node
// Gets a fresh checkout ready, so that `npm start` and `npm test` work with nothing run before:
// checks PostgreSQL and Redis (naming the URL tried and how to start one), creates the database,
// generates the Prisma client, applies migrations and builds. Usage:
//   node scripts/setup.js build   generate the client, compile, build the explorer (no services needed)
//   node scripts/setup.js serve   build, check services, create and migrate DATABASE_URL
//   node scripts/setup.js test    build, check services, create and migrate the test template DB
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { swcOptions } = require('./build-config');
const { Client } = require('pg');
const { Redis } = require('ioredis');

const root = join(__dirname, '..');
const mode = process.argv[2] ?? 'serve';
const DATABASE_URL = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/memtrace';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
/** Test suites clone this database (CREATE DATABASE … TEMPLATE), one clone per suite. */
const TEST_TEMPLATE_DB = 'memtrace_test_template';

function step(text) {
  process.stderr.write(`setup: ${text}\n`);
}

function fail(text) {
  process.stderr.write(`\nsetup failed: ${text}\n`);
  process.exit(1);
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function run(what, args, env = {}) {
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) fail(`${what} failed:\n${result.stdout}${result.stderr}`);
}

const prisma = (args, url) => run(`prisma ${args.join(' ')}`, [join(root, 'node_modules/prisma/build/index.js'), ...args], { DATABASE_URL: url });

function build() {
  step('generating the Prisma client');
  prisma(['generate', '--no-hints'], DATABASE_URL);
  step('compiling (swc)');
  // swc reads its options from a file: written from scripts/build-config.js (the one alias table).
  const swcrc = join(root, 'node_modules/.cache/memtrace/swcrc.json');
  mkdirSync(dirname(swcrc), { recursive: true });
  writeFileSync(swcrc, JSON.stringify(swcOptions({ withPaths: true })));
  // Test code beside the code it tests (specs and their fixtures) stays out of dist/.
  const specs = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.fixture.ts'];
  const ignored = ['libs/sdk/dist/**', 'apps/explorer/**', ...specs].flatMap((glob) => ['--ignore', glob]);
  run('build', [join(root, 'node_modules/@swc/cli/bin/swc.js'), 'apps', 'libs', 'generated', '-d', 'dist', '--quiet', '--no-swcrc', '--config-file', swcrc, ...ignored]);
  step('building @memtrace/sdk (tsc: ESM and type declarations in libs/sdk/dist)');
  run('the SDK build', [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'libs/sdk/tsconfig.json')]);
  step('building the memory explorer (vite: apps/explorer -> dist/explorer, served at /explorer)');
  run('the explorer build', [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(root, 'apps/explorer/vite.config.mts'), '--logLevel', 'warn']);
}

async function ensureDatabase(url) {
  const name = new URL(url).pathname.slice(1);
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return;
  } catch (error) {
    if (error.code !== '3D000') {
      fail(
        `cannot reach PostgreSQL at ${redact(url)} (${error.message}).\n` +
          '  Start it, e.g. `pg_ctlcluster $(ls /etc/postgresql) main start` on Debian\n' +
          '  (install with `apt-get install -y postgresql`), or point DATABASE_URL at a running server.',
      );
    }
  }
  step(`creating database ${name}`);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e) => {
    if (e.code !== '42P04') throw e; // created concurrently
  });
  await admin.end();
}

async function recreateDatabase(url) {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

async function checkRedis() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    fail(
      `cannot reach Redis at ${redact(REDIS_URL)} (${error.message}).\n` +
        '  Start it, e.g. `redis-server --daemonize yes --bind 127.0.0.1 --port 6379`\n' +
        '  (install with `apt-get install -y redis-server`), or point REDIS_URL at a running server.',
    );
  } finally {
    redis.disconnect();
  }
}

async function main() {
  if (!['build', 'serve', 'test'].includes(mode)) fail(`unknown mode '${mode}' (build, serve, test)`);
  build();
  if (mode === 'build') return;
  step(`checking PostgreSQL at ${redact(DATABASE_URL)} and Redis at ${redact(REDIS_URL)}`);
  await ensureDatabase(DATABASE_URL);
  await checkRedis();
  if (mode === 'serve') {
    step('applying migrations');
    prisma(['migrate', 'deploy'], DATABASE_URL);
  } else {
    const template = withDatabase(DATABASE_URL, TEST_TEMPLATE_DB);
    step(`preparing the test template database ${TEST_TEMPLATE_DB}`);
    await recreateDatabase(template);
    prisma(['migrate', 'deploy'], template);
  }
  step('ready');
}

main().catch((error) => fail(error.stack || String(error)));
