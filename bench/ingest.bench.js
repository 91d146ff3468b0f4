#!/usr/bin/env node
// Ingest benchmark (`npm run bench:ingest`). In one run on this machine it measures:
//  (a) single-memory POST /api/v1/memories throughput (autocannon, 50 connections) and its p50/p99,
//      then p50/p99 at half that rate;
//  (b) batch end-to-end throughput: batches of 500 until every memory is confirmed in the embedded store;
//  (c) worker memory while the store (Arc double) is down under a write load;
// and as baselines in the same run: a bare node:http server, and the raw DuckDB data-chunk append rate.
// Writes a dated markdown report under bench/results/.
'use strict';
const { mkdtempSync } = require('node:fs');
const { join } = require('node:path');
const os = require('node:os');
const { root, machine, freshEnv, startApp, cli, cannon, bareHttpBaseline, metric, sleep, writeReport } = require('./lib');

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = 50;
const BATCHES = Number(process.env.BENCH_BATCHES || 200);
const BATCH_SIZE = 500;

let counter = 0;
const memoryBody = () => JSON.stringify({ agent_id: `agent_${counter % 1000}`, content: `bench memory ${process.pid}-${counter++}`, tags: ['bench'] });

async function singleWrites(gatewayUrl, key, rate) {
  return cannon({
    url: `${gatewayUrl}/api/v1/memories`,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, setupRequest: (req) => ({ ...req, body: memoryBody() }) }],
  });
}

/** Waits until the worker has written every acknowledged memory, so the next phase starts with no backlog. */
async function drain(workerUrl, acknowledged) {
  const started = Date.now();
  while ((await metric(workerUrl, 'memtrace_ingest_rows_written_total')) < acknowledged) await sleep(50);
  return (Date.now() - started) / 1000;
}

async function batchEndToEnd(gatewayUrl, workerUrl, key) {
  const before = await metric(workerUrl, 'memtrace_ingest_rows_written_total');
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < BATCHES) {
        const n = next++;
        const memories = Array.from({ length: BATCH_SIZE }, (_, i) => ({ agent_id: `agent_${i % 100}`, content: `batch ${process.pid} ${n}/${i}`, importance: 0.5 }));
        const res = await fetch(`${gatewayUrl}/api/v1/memories`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ memories }) });
        if (res.status !== 201) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
      }
    }),
  );
  const acknowledged = Date.now();
  const total = BATCHES * BATCH_SIZE;
  while ((await metric(workerUrl, 'memtrace_ingest_rows_written_total')) - before < total) await sleep(20);
  const confirmed = Date.now();
  return { total, ackSeconds: (acknowledged - started) / 1000, e2eSeconds: (confirmed - started) / 1000 };
}

async function rawAppendRate() {
  const { DuckDbMemoryStore } = require(join(root, 'dist/libs/store/src/duckdb/duckdb.adapter'));
  const path = join(mkdtempSync(join(os.tmpdir(), 'memtrace-raw-')), 'raw.duckdb');
  const store = await DuckDbMemoryStore.open({ path, measurement: 'events' });
  const { v7 } = require('uuid');
  const total = BATCHES * BATCH_SIZE;
  const batches = [];
  const t0 = Date.now() * 1000;
  for (let b = 0; b < total / 1000; b++) {
    batches.push(Array.from({ length: 1000 }, (_, i) => ({
      id: v7(), timeUs: t0 + b * 1000 + i, orgId: 'org_default', agentId: `agent_${i % 100}`, sessionId: '', memoryType: 'episodic',
      eventType: 'general', content: `raw ${b}/${i}`, metadata: null, tags: [], dedupKey: 'f'.repeat(32), importance: 0.5, parentId: '',
    })));
  }
  const started = process.hrtime.bigint();
  for (const batch of batches) await store.write(batch);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  return { total, seconds };
}

async function workerMemoryWhileStoreDown() {
  const { spawnArcDouble } = require(join(root, 'dist/libs/testing/src/arc-double'));
  const arc = await spawnArcDouble({ maxBufferAgeMs: 100 });
  const { env, drop } = await freshEnv();
  const org = cli(['org', 'create', 'outage'], env);
  cli(['org', 'add-arc', org.id, '--url', arc.url, '--database', 'bench'], env);
  const key = cli(['key', 'create', '--org', org.id, '--name', 'w', '--permissions', 'write'], env).key;
  const gateway = await startApp('gateway', env, ['gateway']);
  const worker = await startApp('ingest-worker', env, ['ingest-worker']);
  const url = `http://127.0.0.1:${gateway.ports.gateway}`;
  await arc.setFaults({ down: true });
  const rss = [];
  const sampler = setInterval(() => {
    try {
      const status = require('node:fs').readFileSync(`/proc/${worker.child.pid}/status`, 'utf8');
      rss.push(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
    } catch {}
  }, 1000);
  const load = await singleWrites(url, key, 500);
  clearInterval(sampler);
  const backlog = load.requests.total;
  await arc.setFaults({ down: false });
  await Promise.all([gateway.stop(), worker.stop()]);
  await arc.stop();
  await drop();
  return { accepted: backlog, non2xx: load.non2xx, rssMin: Math.min(...rss), rssMax: Math.max(...rss), samples: rss.length };
}

async function main() {
  const baseline = await bareHttpBaseline(SECONDS, CONNECTIONS);
  const { env, drop } = await freshEnv();
  const standalone = await startApp('standalone', env, ['gateway', 'admin', 'ingest-worker']);
  const key = /mtk_[A-Za-z0-9_-]{43}=/.exec(standalone.stdout())[0];
  const gatewayUrl = `http://127.0.0.1:${standalone.ports.gateway}`;
  const workerUrl = `http://127.0.0.1:${standalone.ports.metrics}`;
  // Each phase starts once the worker has caught up, so none is measured while the same process
  // (gateway and worker share its event loop) is still draining the previous phase's backlog.
  const full = await singleWrites(gatewayUrl, key);
  const fullDrain = await drain(workerUrl, full['2xx']);
  const half = await singleWrites(gatewayUrl, key, Math.round(full.requests.average / 2));
  await drain(workerUrl, full['2xx'] + half['2xx']);
  const batch = await batchEndToEnd(gatewayUrl, workerUrl, key);
  await standalone.stop();
  await drop();
  const raw = await rawAppendRate();
  const outage = await workerMemoryWhileStoreDown();

  const rate = (n, s) => Math.round(n / s);
  const single = full.requests.average;
  const batchRate = rate(batch.total, batch.e2eSeconds);
  const rawRate = rate(raw.total, raw.seconds);
  const pct = (a, b) => `${((a / b) * 100).toFixed(1)}%`;
  const report = [
    `# Ingest benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${machine()}. Load generator (autocannon) on the same cores. Command: \`npm run bench:ingest\`.`,
    `Standalone process (gateway + ingest worker + admin, embedded DuckDB), PostgreSQL and Redis on loopback.`,
    '',
    '| measurement | figure | baseline (same run) | ratio | target |',
    '|---|---|---|---|---|',
    `| single-memory POST, ${CONNECTIONS} connections, ${SECONDS} s | ${Math.round(single)} req/s (p50 ${full.latency.p50} ms, p99 ${full.latency.p99} ms, non-2xx ${full.non2xx}) | bare node:http ${Math.round(baseline.requests.average)} req/s | ${pct(single, baseline.requests.average)} | ≥ 40% |`,
    `| worker catching up after the full-rate run (${full['2xx']} memories acknowledged) | all in the store ${fullDrain.toFixed(1)} s after the load stopped | | | |`,
    `| single-memory POST at half that rate (${Math.round(single / 2)} req/s) | p50 ${half.latency.p50} ms, p99 ${half.latency.p99} ms (${Math.round(half.requests.average)} req/s, non-2xx ${half.non2xx}) | | | p99 ≤ 10 ms |`,
    `| batches of ${BATCH_SIZE}, ${batch.total} memories until all confirmed in the store | ${batchRate} memories/s end to end (acknowledged in ${batch.ackSeconds.toFixed(2)} s, confirmed in ${batch.e2eSeconds.toFixed(2)} s) | raw DuckDB data-chunk append ${rawRate} rows/s | ${pct(batchRate, rawRate)} | ≥ 50% |`,
    `| worker RSS while the store is down, ${SECONDS} s at 500 writes/s (${outage.accepted} accepted, non-2xx ${outage.non2xx}) | ${outage.rssMin.toFixed(0)}–${outage.rssMax.toFixed(0)} MiB over ${outage.samples} samples | | | flat |`,
    '',
  ].join('\n');
  writeReport('ingest', report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
