#!/usr/bin/env node
// Authenticated request throughput of the gateway against a bare node:http baseline measured in the
// same run on the same machine. Run with `npm run bench` (it prepares and builds first).
// Prints a markdown report and writes it under bench/results/.
'use strict';
const autocannon = require('autocannon');
const http = require('node:http');
const os = require('node:os');
const { spawn, spawnSync } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const DURATION = Number(process.env.BENCH_SECONDS || 10);
const root = join(__dirname, '..');

function run(url, headers) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 50, duration: DURATION, headers }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function baseline() {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const result = await run(`http://127.0.0.1:${server.address().port}/`);
  server.close();
  return result;
}

async function gateway() {
  const env = { ...process.env, MEMTRACE_SERVER_HOST: '127.0.0.1', MEMTRACE_SERVER_PORT: '0', MEMTRACE_LOG_LEVEL: 'warn', MEMTRACE_REDIS_PREFIX: `bench_${process.pid}` };
  const org = JSON.parse(spawnSync(process.execPath, [join(root, 'bin/memtrace.js'), '--json', 'org', 'create', `bench-${Date.now()}`], { env, encoding: 'utf8' }).stdout);
  const key = JSON.parse(
    spawnSync(process.execPath, [join(root, 'bin/memtrace.js'), '--json', 'key', 'create', '--org', org.id, '--name', 'bench', '--permissions', 'read'], { env, encoding: 'utf8' }).stdout,
  ).key;
  const child = spawn(process.execPath, [join(root, 'dist/apps/gateway/src/main.js')], { env: { ...env, MEMTRACE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise((resolve) => {
    child.stderr.on('data', (chunk) => {
      const line = chunk.toString().split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve(JSON.parse(line).port);
    });
  });
  child.stderr.removeAllListeners('data');
  child.stderr.resume();
  try {
    return await run(`http://127.0.0.1:${port}/api/v1/auth/verify`, { 'x-api-key': key });
  } finally {
    child.kill('SIGTERM');
    spawnSync(process.execPath, [join(root, 'bin/memtrace.js'), 'org', 'delete', org.id], { env });
  }
}

async function main() {
  const base = await baseline();
  const gw = await gateway();
  const row = (name, r) => `| ${name} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} |`;
  const ratio = gw.requests.average / base.requests.average;
  const report = [
    `# Auth path benchmark (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Machine: ${os.cpus().length} cores (${os.cpus()[0].model}), Node ${process.version}. Load generator on the same cores; 50 connections, ${DURATION} s each.`,
    '',
    '| target | req/s | p50 ms | p99 ms | non-2xx |',
    '|---|---|---|---|---|',
    row('bare node:http hello-world (baseline)', base),
    row('gateway GET /api/v1/auth/verify (API-key auth, cached)', gw),
    '',
    `Ratio gateway / baseline: **${(ratio * 100).toFixed(1)}%**`,
    '',
  ].join('\n');
  process.stdout.write(report);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, `bench/results/${new Date().toISOString().slice(0, 10)}-auth.md`), report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
