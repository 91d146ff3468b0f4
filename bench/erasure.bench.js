#!/usr/bin/env node
// Export, import and erasure benchmark (`npm run bench:erasure`). In one run on this machine, against
// the standalone process (embedded DuckDB):
//  (a) import: BENCH_ROWS memories (default 200,000) as NDJSON, 5,000 lines a request, until stored;
//  (b) export: GET /api/v1/export of all of them, streamed and counted, with the serving process's
//      RSS sampled every 100 ms (constant memory: the peak should not grow with the row count);
//  (c) erasure: POST /api/v1/memories/forget of all of them, until the receipt says done;
// and as baselines in the same run, on a raw DuckDB file with the same rows: a full ordered scan
// (export's ceiling) and one DELETE of every row (erasure's ceiling).
// Writes a dated markdown report under bench/results/.
'use strict';
const { mkdtempSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const os = require('node:os');
const { root, machine, freshEnv, startApp, metric, sleep, writeReport } = require('./lib');

const ROWS = Number(process.env.BENCH_ROWS || 200_000);
const LINES_PER_REQUEST = 5_000;
const T0_US = Date.now() * 1000 - ROWS * 1000;

function uuidFor(n) {
  const hex = n.toString(16).padStart(12, '0');
  return `0198c0de-0000-7000-8000-${hex}`;
}

function row(n) {
  return { id: uuidFor(n), timeUs: T0_US + n * 1000, agentId: `agent_${n % 100}`, sessionId: `sess_${n % 1000}`, content: `bench memory ${n} with a few words of content`, tags: ['bench'] };
}

function ndjson(from, to) {
  const lines = [];
  for (let n = from; n < to; n++) {
    const r = row(n);
    lines.push(JSON.stringify({ id: r.id, time: new Date(r.timeUs / 1000).toISOString(), agent_id: r.agentId, session_id: r.sessionId, content: r.content, tags: r.tags, importance: 0.5 }));
  }
  return lines.join('\n');
}

function rssMiB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
}

async function importAll(url, key, workerUrl) {
  const before = await metric(workerUrl, 'memtrace_ingest_rows_written_total');
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < ROWS) {
        const from = next;
        next += LINES_PER_REQUEST;
        const res = await fetch(`${url}/api/v1/import`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/x-ndjson' }, body: ndjson(from, Math.min(ROWS, from + LINES_PER_REQUEST)) });
        if (res.status !== 200) throw new Error(`import answered ${res.status}: ${await res.text()}`);
      }
    }),
  );
  const acknowledged = Date.now();
  while ((await metric(workerUrl, 'memtrace_ingest_rows_written_total')) - before < ROWS) await sleep(50);
  return { ackSeconds: (acknowledged - started) / 1000, storedSeconds: (Date.now() - started) / 1000 };
}

async function exportAll(url, key, pid) {
  const rssBefore = rssMiB(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB(pid))), 100);
  const started = Date.now();
  const res = await fetch(`${url}/api/v1/export`, { headers: { 'x-api-key': key } });
  if (res.status !== 200) throw new Error(`export answered ${res.status}`);
  let lines = 0;
  let bytes = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines += 1;
  }
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  if (lines !== ROWS) throw new Error(`export gave ${lines} lines, expected ${ROWS}`);
  return { seconds, bytes, rssBefore, rssPeak };
}

async function forgetAll(url, key) {
  const started = Date.now();
  const res = await fetch(`${url}/api/v1/memories/forget`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ tags: ['bench'] }) });
  if (res.status !== 202) throw new Error(`forget answered ${res.status}: ${await res.text()}`);
  const { id } = await res.json();
  for (;;) {
    const receipt = await (await fetch(`${url}/api/v1/erasures/${id}`, { headers: { 'x-api-key': key } })).json();
    if (receipt.status === 'failed') throw new Error(`erasure failed: ${receipt.error}`);
    if (receipt.status === 'done') return { seconds: (Date.now() - started) / 1000, erased: receipt.erased };
    await sleep(50);
  }
}

async function rawBaselines() {
  const { DuckDbMemoryStore } = require(join(root, 'dist/libs/store/src/duckdb/duckdb.adapter'));
  const path = join(mkdtempSync(join(os.tmpdir(), 'memtrace-raw-')), 'raw.duckdb');
  const store = await DuckDbMemoryStore.open({ path, measurement: 'events' });
  for (let from = 0; from < ROWS; from += 10_000) {
    const batch = [];
    for (let n = from; n < Math.min(ROWS, from + 10_000); n++) {
      const r = row(n);
      batch.push({ ...r, orgId: 'org_default', memoryType: 'episodic', eventType: 'general', metadata: null, dedupKey: '', importance: 0.5, parentId: '' });
    }
    await store.write(batch);
  }
  const filter = { orgId: 'org_default', tags: ['bench'] };
  let started = process.hrtime.bigint();
  const scanned = (await store.query({ filter, order: 'asc', limit: ROWS })).length;
  const scanSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  started = process.hrtime.bigint();
  const deleted = await store.delete(filter);
  const deleteSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  if (scanned !== ROWS || deleted !== ROWS) throw new Error(`raw baseline scanned ${scanned} and deleted ${deleted} of ${ROWS}`);
  return { scanSeconds, deleteSeconds };
}

async function main() {
  const { env, drop } = await freshEnv();
  const standalone = await startApp('standalone', env, ['gateway', 'admin', 'ingest-worker']);
  const key = /mtk_[A-Za-z0-9_-]{43}=/.exec(standalone.stdout())[0];
  const url = `http://127.0.0.1:${standalone.ports.gateway}`;
  const workerUrl = `http://127.0.0.1:${standalone.ports.metrics}`;
  const imported = await importAll(url, key, workerUrl);
  const exported = await exportAll(url, key, standalone.child.pid);
  const erased = await forgetAll(url, key);
  await standalone.stop();
  await drop();
  const raw = await rawBaselines();

  const rate = (seconds) => Math.round(ROWS / seconds);
  const pct = (a, b) => `${((a / b) * 100).toFixed(1)}%`;
  const report = [
    `# Export, import and erasure benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${machine()}. Command: \`npm run bench:erasure\` (BENCH_ROWS=${ROWS}).`,
    'Standalone process (gateway + query + ingest worker + admin, embedded DuckDB), PostgreSQL and Redis on loopback.',
    '',
    '| measurement | figure | baseline (same run) | ratio |',
    '|---|---|---|---|',
    `| import, ${ROWS} memories as NDJSON (${LINES_PER_REQUEST} lines a request, 4 at a time) until stored | ${rate(imported.storedSeconds)} rows/s (acknowledged in ${imported.ackSeconds.toFixed(1)} s, stored in ${imported.storedSeconds.toFixed(1)} s) | | |`,
    `| export of all ${ROWS} (${(exported.bytes / 2 ** 20).toFixed(0)} MiB of NDJSON, keyset pages of 1,000 over the query service) | ${rate(exported.seconds)} rows/s | raw DuckDB ordered scan of the same rows ${rate(raw.scanSeconds)} rows/s | ${pct(rate(exported.seconds), rate(raw.scanSeconds))} |`,
    `| exporting process RSS | ${exported.rssBefore.toFixed(0)} MiB before, ${exported.rssPeak.toFixed(0)} MiB peak | | |`,
    `| erasure of all ${ROWS} (forget by tag: pages of 5,000, one delete by the filter each) until the receipt is done | ${rate(erased.seconds)} rows/s (${erased.erased} erased in ${erased.seconds.toFixed(1)} s) | raw DuckDB \`DELETE\` of the same rows in one statement ${rate(raw.deleteSeconds)} rows/s | ${pct(rate(erased.seconds), rate(raw.deleteSeconds))} |`,
    '',
  ].join('\n');
  writeReport('erasure', report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
