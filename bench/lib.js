'use strict';
// Shared pieces of the benchmarks: fresh isolated environments, real processes, autocannon runs.
const autocannon = require('autocannon');
const http = require('node:http');
const os = require('node:os');
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { join } = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');

const root = join(__dirname, '..');

function machine() {
  return `${os.cpus().length} cores (${os.cpus()[0].model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** A fresh database cloned from the migrated test template, a Redis prefix and a data dir of its own. */
async function freshEnv(extra = {}) {
  const name = `memtrace_bench_${randomBytes(4).toString('hex')}`;
  const base = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/memtrace');
  base.pathname = '/postgres';
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE memtrace_test_template`);
  await admin.end();
  base.pathname = `/${name}`;
  const env = {
    ...process.env,
    DATABASE_URL: base.toString(),
    MEMTRACE_REDIS_PREFIX: `bench_${randomBytes(4).toString('hex')}`,
    MEMTRACE_DATA_DIR: mkdtempSync(join(os.tmpdir(), 'memtrace-bench-')),
    MEMTRACE_SERVER_HOST: '127.0.0.1',
    MEMTRACE_SERVER_PORT: '0',
    MEMTRACE_ADMIN_PORT: '0',
    MEMTRACE_WORKER_PORT: '0',
    MEMTRACE_METRICS_PORT: '0',
    MEMTRACE_LOG_LEVEL: 'warn',
    MEMTRACE_INTERNAL_SECRET: randomBytes(32).toString('base64url'),
    // Load generators send far past any sane limit from one key: the limiter still runs (its cost is
    // measured), but with limits no bench reaches.
    MEMTRACE_RATE_LIMIT_KEY_RPS: '1000000000',
    MEMTRACE_RATE_LIMIT_KEY_MEMORIES_PER_SEC: '1000000000',
    MEMTRACE_RATE_LIMIT_ORG_RPS: '1000000000',
    MEMTRACE_RATE_LIMIT_ORG_MEMORIES_PER_SEC: '1000000000',
    ...extra,
  };
  return {
    env,
    async drop() {
      const c = new Client({ connectionString: base.toString().replace(`/${name}`, '/postgres') });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
      await dropRedisPrefix(env.REDIS_URL, env.MEMTRACE_REDIS_PREFIX);
    },
  };
}

/** A run's Redis keys go with it: a gateway bench leaves ~100 MiB of unconsumed jobs and hot-tier rows. */
async function dropRedisPrefix(url, prefix) {
  const { Redis } = require('ioredis');
  const redis = new Redis(url || 'redis://127.0.0.1:6379');
  try {
    const stream = redis.scanStream({ match: `${prefix}:*`, count: 1000 });
    for await (const keys of stream) if (keys.length > 0) await redis.unlink(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Starts dist/apps/<app>/src/main.js and waits for its apps' `listening` lines. */
function startApp(app, env, expected) {
  const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'src/main.js')], {
    env: { ...env, MEMTRACE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (c) => (stdout += c));
  const ports = {};
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not start`)), 30_000);
    let partial = '';
    child.stderr.on('data', (chunk) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        if (!line.includes('"listening"')) continue;
        const entry = JSON.parse(line);
        ports[entry.app] = entry.port;
      }
      if (expected.every((name) => ports[name])) {
        clearTimeout(timer);
        child.stderr.removeAllListeners('data');
        // BENCH_LOG_DIR=<dir> keeps each app's log (<dir>/<app>-<pid>.log) for a look after the run.
        if (process.env.BENCH_LOG_DIR) child.stderr.pipe(require('node:fs').createWriteStream(join(process.env.BENCH_LOG_DIR, `${app}-${child.pid}.log`)));
        else child.stderr.resume();
        resolve({ child, ports, stdout: () => stdout, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) });
      }
    });
    child.on('exit', (code) => reject(new Error(`${app} exited with ${code}`)));
  });
}

function cli(args, env) {
  const result = spawnSync(process.execPath, [join(root, 'bin/memtrace.js'), '--json', ...args], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`memtrace ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function cannon(options) {
  return new Promise((resolve, reject) => autocannon(options, (err, result) => (err ? reject(err) : resolve(result))));
}

/** A bare node:http hello-world: the ceiling any HTTP service on this machine is measured against. */
async function bareHttpBaseline(seconds, connections) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const result = await cannon({ url: `http://127.0.0.1:${server.address().port}/`, method: 'POST', body: '{"agent_id":"a","content":"x"}', connections, duration: seconds });
  server.close();
  return result;
}

async function metric(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) total += Number(line.split(' ').pop());
  return total;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Deterministic PRNG (mulberry32): the same data on every run, so before/after runs measure the same thing. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The commit measured, marked when the tree had uncommitted changes. */
function gitCommit() {
  const run = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const head = run(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = run(['status', '--porcelain', '--untracked-files=no']).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' with uncommitted changes' : ''}`;
}

/** Prints a report, with the commit it measured, and keeps it as bench/results/<date>-<name>.md. */
function writeReport(name, body) {
  const { mkdirSync, writeFileSync } = require('node:fs');
  const report = `${body.trimEnd()}\n\nGit commit: ${gitCommit()}.\n`;
  process.stdout.write(report);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, `bench/results/${new Date().toISOString().slice(0, 10)}-${name}.md`), report);
}

module.exports = { root, prng, gitCommit, machine, freshEnv, startApp, cli, cannon, bareHttpBaseline, metric, sleep, writeReport };
