#!/usr/bin/env node
// Read-path benchmark (`npm run bench:read`). For each dataset size (default 1M then 10M memories:
// 1,000 agents in 100 orgs over 30 days) it loads the rows straight into the embedded DuckDB file
// through the store's data-chunk appender (no HTTP: this measures reads), then measures, sequentially
// (concurrency 1) over the same random agent sample:
//  - recall  GET  /api/v1/memories?agent_id=A&since=24h&limit=50
//  - context POST /api/v1/agents/A/context {"since":"24h","max_tokens":4000}
// through the whole standalone stack (HTTP, auth, gateway → TCP → query handlers, hot tier, store,
// rendering), and as the baseline the identical SQL text run directly on a @duckdb/node-api
// connection to the same file. DuckDB lets one process own a file, so the order is explicit: load
// (store, closed) → then, in each of BENCH_READ_ROUNDS rounds on its own slice of the agent sample:
// raw SQL (own connection, closed) → in-process layers (store adapter, renderer; closed) → standalone
// server on the file, HTTP reads, server stopped. Interleaving the rounds gives the baseline and the
// stack the same conditions on a shared machine. Writes a dated markdown report under bench/results/.
//
// Env: BENCH_READ_SIZES (comma list, default 1000000,10000000; `BENCH_READ_SIZES=1000000` for a quick
// run), BENCH_READ_REQUESTS (timed requests per kind and layer, default 2000), BENCH_READ_ROUNDS
// (default 4), BENCH_READ_WARMUP (untimed calls per kind, layer and round, default 100).
'use strict';
const http = require('node:http');
const os = require('node:os');
const { statSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { root, prng, machine, freshEnv, startApp, sleep, writeReport } = require('./lib');

const SIZES = (process.env.BENCH_READ_SIZES || '1000000,10000000').split(',').map((s) => Number(s.trim()));
const REQUESTS = Number(process.env.BENCH_READ_REQUESTS || 2000);
const WARMUP = Number(process.env.BENCH_READ_WARMUP || 100);
const ROUNDS = Number(process.env.BENCH_READ_ROUNDS || 4);
const AGENTS = 1000;
const ORGS = 100;
const DAYS = 30;
const LOAD_BATCH = 100_000;
const MEASUREMENT = 'events'; // what standalone's bootstrap binds org_default to
const SERVED_ORG = 'org_default';
const RECALL_PARAMS = { since: '24h', limit: '50' };
const CONTEXT_BODY = { since: '24h', max_tokens: 4000 };

const dist = (path) => require(join(root, 'dist', path));
const { MemorySqlBuilder } = dist('libs/store/src');
const { HotTier } = dist('libs/ingest/src');
// The embedded store is loaded on demand by the store registry, so it is not in the library's index.
const { DUCKDB_SESSION_SETTINGS, DuckDbMemoryStore } = dist('libs/store/src/duckdb/duckdb.adapter');
const { nowUs, queryInOrg } = dist('libs/contracts/src');
const { toAgentContextRequest, toListMemoriesQuery } = dist('libs/http/src');
const { ContextRenderer } = dist('apps/query/src/context/context.renderer');
const { freePort } = dist('libs/testing/src/test-env');
const { DuckDBInstance } = require('@duckdb/node-api');
const { Redis } = require('ioredis');

const log = (text) => process.stderr.write(`bench:read ${new Date().toISOString().slice(11, 19)} ${text}\n`);
const fmt = (n) => n.toLocaleString('en-US');
const ms = (x) => x.toFixed(2);

// ---- data -------------------------------------------------------------------------------------


const orgOf = (o) => (o === 0 ? SERVED_ORG : `org_bench_${String(o).padStart(2, '0')}`);
const agentName = (a) => `agent_${String(a).padStart(4, '0')}`;
/** Agent a belongs to org a % 100: 10 agents per org; org_default has agent_0000, agent_0100, … */
const servedAgents = Array.from({ length: AGENTS / ORGS }, (_, k) => agentName(k * ORGS));

const WORDS = (
  'deploy rollback cache query index latency budget customer ticket invoice refund retry timeout ' +
  'migration schema review branch merge build release config secret token quota alert incident ' +
  'postgres redis duckdb shard replica backup restore snapshot report summary follow-up meeting ' +
  'priority escalate resolved pending blocked approved rejected upstream downstream service worker ' +
  'the a to of for with on after before because and then user agent plan step result error'
).split(' ');
const EVENT_TYPES = ['action', 'action', 'action', 'observation', 'tool_call', 'general', 'error'];

/** 4096 sentences of 8–60 words (≈50–400 characters): realistic content length without per-row cost. */
function sentencePool(rand, count) {
  return Array.from({ length: count }, () => {
    const words = 8 + Math.floor(rand() * 53);
    const out = [];
    for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
    return out.join(' ');
  });
}

/** A UUIDv7-shaped id: the row's millisecond then its unique row number (the store only needs uniqueness and the shape). */
function uuidV7(msecs, n) {
  const t = msecs.toString(16).padStart(12, '0');
  const r = n.toString(16).padStart(18, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(0, 3)}-8${r.slice(3, 6)}-${r.slice(6, 18)}`;
}

/** Loads `total` memories in time order (as the worker appends them) spread evenly over 30 days up to now. */
async function load(path, total) {
  const rand = prng(42);
  const pool = sentencePool(rand, 4096);
  const reasons = sentencePool(rand, 512);
  const endUs = Date.now() * 1000;
  const startUs = endUs - DAYS * 86_400_000_000;
  const stepUs = (endUs - startUs) / total;
  const store = await DuckDbMemoryStore.open({ path, measurement: MEASUREMENT });
  const started = process.hrtime.bigint();
  let nextReport = total / 10;
  for (let first = 0; first < total; first += LOAD_BATCH) {
    const records = [];
    for (let i = first; i < Math.min(first + LOAD_BATCH, total); i++) {
      const timeUs = Math.floor(startUs + i * stepUs);
      const a = Math.floor(rand() * AGENTS);
      const kind = rand();
      const memoryType = kind < 0.7 ? 'episodic' : kind < 0.85 ? 'decision' : kind < 0.95 ? 'entity' : 'session';
      records.push({
        id: uuidV7(Math.floor(timeUs / 1000), i),
        timeUs,
        orgId: orgOf(a % ORGS),
        agentId: agentName(a),
        sessionId: `sess_${a}_${Math.floor((timeUs - startUs) / 86_400_000_000)}`,
        memoryType,
        eventType: EVENT_TYPES[Math.floor(rand() * EVENT_TYPES.length)],
        content: `${pool[Math.floor(rand() * pool.length)]} (#${i})`,
        metadata: memoryType === 'decision' ? { reasoning: reasons[Math.floor(rand() * reasons.length)] } : null,
        tags: rand() < 0.3 ? ['bench', 'ops'] : ['bench'],
        dedupKey: i.toString(16).padStart(32, '0'),
        importance: Math.round(rand() * 10) / 10,
        parentId: '',
      });
    }
    await store.write(records);
    const done = Math.min(first + LOAD_BATCH, total);
    if (done >= nextReport || done === total) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      log(`loading ${fmt(total)}: ${fmt(done)} rows (${Math.round((done / total) * 100)}%), ${seconds.toFixed(1)} s, ${fmt(Math.round(done / seconds))} rows/s`);
      nextReport += total / 10;
    }
  }
  await store.close(); // checkpoints: the file is complete before anyone else opens it
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, bytes: statSync(path).size };
}

// ---- measurement ------------------------------------------------------------------------------

/** The agents of the served org, drawn at random (seeded): the same sequence for every layer. */
function sample(count, seed) {
  const rand = prng(seed);
  return Array.from({ length: count }, () => servedAgents[Math.floor(rand() * servedAgents.length)]);
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1], mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
}

/**
 * Runs `fn(agent)` over the warm-up agents untimed, then over the measured ones one at a time.
 * `fn` may return its own elapsed ms (to leave preparation out); otherwise the call is timed.
 */
async function timed(warmup, agents, fn) {
  for (const agent of warmup) await fn(agent);
  const samples = [];
  for (const agent of agents) {
    const t0 = process.hrtime.bigint();
    const own = await fn(agent);
    samples.push(typeof own === 'number' ? own : Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return samples;
}

const sql = new MemorySqlBuilder(MEASUREMENT);
/** The exact SQL text the query service runs for each request (the gateway's request mapper, the query service's org scoping and builder, now). */
const recallQuery = (agent) => queryInOrg(SERVED_ORG, toListMemoriesQuery({ agent_id: agent, ...RECALL_PARAMS }, nowUs()));
const contextRequest = (agent) => {
  const request = toAgentContextRequest(agent, CONTEXT_BODY, nowUs());
  return { ...request, query: queryInOrg(SERVED_ORG, request.query) };
};

/** Baseline: the SQL alone on a direct DuckDB connection (run + read all + row objects, as the adapter reads). */
async function rawSql(path, plan) {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  for (const setting of DUCKDB_SESSION_SETTINGS) await connection.run(setting); // as the store's connection
  const rows = { recall: 0, context: 0 };
  const run = (kind, build) => async (agent) => {
    const text = sql.select(build(agent)); // built outside the timing
    const t0 = process.hrtime.bigint();
    const result = (await connection.runAndReadAll(text)).getRowObjects();
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
    rows[kind] += result.length;
    return elapsed;
  };
  const firstIds = new Map();
  for (const agent of servedAgents) {
    const [first] = (await connection.runAndReadAll(sql.select(recallQuery(agent)))).getRowObjects();
    if (first) firstIds.set(agent, String(first.id));
  }
  const recall = await timed(plan.warmup, plan.recall, run('recall', recallQuery));
  const context = await timed(plan.warmup, plan.context, run('context', (agent) => contextRequest(agent).query));
  connection.closeSync();
  instance.closeSync();
  const calls = (list) => plan.warmup.length + list.length;
  return { recall, context, recallRows: rows.recall / calls(plan.recall), contextRows: rows.context / calls(plan.context), firstIds };
}

/**
 * The layers in between, in-process: the store adapter (SQL + row mapping), the context renderer
 * alone, and the hot-tier lookup every read makes first (empty here, as in the server: nothing unconfirmed).
 */
async function inProcessLayers(path, plan, env) {
  const store = await DuckDbMemoryStore.open({ path, measurement: MEASUREMENT });
  const renderer = new ContextRenderer();
  const recall = await timed(plan.warmup, plan.recall, (agent) => store.query(recallQuery(agent)));
  const context = await timed(plan.warmup, plan.context, (agent) => store.query(contextRequest(agent).query));
  const outcome = { truncated: 0, tokens: 0, renders: 0 };
  const render = await timed(plan.warmup, plan.context, async (agent) => {
    const parsed = contextRequest(agent);
    const memories = await store.query(parsed.query); // fetched outside the timing
    const t0 = process.hrtime.bigint();
    const out = renderer.render(memories, parsed.subject, parsed.maxTokens);
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
    outcome.truncated += out.truncated ? 1 : 0;
    outcome.tokens += out.token_count;
    outcome.renders += 1;
    return elapsed;
  });
  await store.close();
  const redis = new Redis(env.REDIS_URL || 'redis://127.0.0.1:6379');
  const hot = await timed(plan.warmup, plan.recall, (agent) => new HotTier(redis, env.MEMTRACE_REDIS_PREFIX).find(recallQuery(agent).filter));
  redis.disconnect();
  return { recall, context, render, hot, truncatedShare: outcome.truncated / outcome.renders, meanTokens: outcome.tokens / outcome.renders };
}

/** One keep-alive connection, sequential requests; resolves when the whole body has arrived. */
function httpClient(port, key) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers = { 'x-api-key': key, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) };
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(text);
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

const ROUTES = { verify: '/api/v1/auth/verify', recall: '/api/v1/memories', context: '/api/v1/agents/:id/context' };

/**
 * The standalone server on the file, reads over HTTP. Also keeps the gateway's own view of each
 * request (`ms` of its access-log line: from request received to response sent, TCP hop included).
 */
async function wholeStack(env, plan, rawFirstIds, keys) {
  const queryPort = await freePort();
  const server = await startApp('standalone', { ...env, MEMTRACE_QUERY_HOST: '127.0.0.1', MEMTRACE_QUERY_PORT: String(queryPort) }, ['gateway', 'admin', 'ingest-worker', 'query']);
  const served = { verify: [], recall: [], context: [] };
  let partial = '';
  server.child.stderr.on('data', (chunk) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (!line.includes('"msg":"request"')) continue;
      const entry = JSON.parse(line);
      for (const [kind, route] of Object.entries(ROUTES)) if (entry.route === route) served[kind].push(entry.ms);
    }
  });
  try {
    // The bootstrap prints the admin key on the first start only.
    keys.admin ??= /mtk_[A-Za-z0-9_-]{43}=/.exec(server.stdout())[0];
    const client = httpClient(server.ports.gateway, keys.admin);
    const recallPath = (agent) => `/api/v1/memories?${new URLSearchParams({ agent_id: agent, ...RECALL_PARAMS })}`;
    // Sanity: the server answers what the raw SQL answered (each agent's newest memory).
    for (const agent of servedAgents) {
      const { memories } = JSON.parse(await client.request('GET', recallPath(agent)));
      if (memories[0]?.id !== rawFirstIds.get(agent)) throw new Error(`stack and raw SQL disagree for ${agent}: ${memories[0]?.id} vs ${rawFirstIds.get(agent)}`);
    }
    const verify = await timed(plan.warmup, plan.recall, () => client.request('GET', ROUTES.verify));
    const recall = await timed(plan.warmup, plan.recall, (agent) => client.request('GET', recallPath(agent)));
    const context = await timed(plan.warmup, plan.context, (agent) => client.request('POST', `/api/v1/agents/${agent}/context`, CONTEXT_BODY));
    client.close();
    await sleep(200); // the last access-log lines
    const last = (kind, n) => served[kind].slice(-n);
    return { verify, recall, context, gateway: { recall: last('recall', recall.length), context: last('context', context.length) } };
  } finally {
    await server.stop();
  }
}

/**
 * One dataset: load, then ROUNDS rounds of raw SQL → in-process layers → whole stack, each round on
 * its own slice of the agent sample, so the three see the same (shared-machine) conditions; samples
 * are pooled over the rounds. Only one of them owns the DuckDB file at any time.
 */
async function runSize(total) {
  const { env, drop } = await freshEnv();
  const path = join(env.MEMTRACE_DATA_DIR, 'memtrace.duckdb'); // where standalone binds org_default
  try {
    log(`${fmt(total)} memories → ${path}`);
    const loaded = await load(path, total);
    log(`loaded ${fmt(total)} in ${loaded.seconds.toFixed(1)} s (${(loaded.bytes / 2 ** 20).toFixed(0)} MiB)`);
    const perRound = Math.ceil(REQUESTS / ROUNDS);
    const recallAgents = sample(perRound * ROUNDS, total + 1);
    const contextAgents = sample(perRound * ROUNDS, total + 2);
    const rounds = [];
    const keys = {};
    for (let r = 0; r < ROUNDS; r++) {
      const plan = {
        warmup: sample(WARMUP, total + 10 + r),
        recall: recallAgents.slice(r * perRound, (r + 1) * perRound),
        context: contextAgents.slice(r * perRound, (r + 1) * perRound),
      };
      const loadAvg = os.loadavg()[0];
      log(`${fmt(total)} round ${r + 1}/${ROUNDS}: raw SQL (server stopped)`);
      const raw = await rawSql(path, plan);
      log(`${fmt(total)} round ${r + 1}/${ROUNDS}: in-process layers (store adapter, renderer, hot tier)`);
      const layers = await inProcessLayers(path, plan, env);
      log(`${fmt(total)} round ${r + 1}/${ROUNDS}: whole stack (standalone server on the file)`);
      const stack = await wholeStack(env, plan, raw.firstIds, keys);
      rounds.push({ raw, layers, stack, loadAvg });
    }
    return { total, loaded, rounds };
  } finally {
    await drop();
    rmSync(env.MEMTRACE_DATA_DIR, { recursive: true, force: true });
  }
}

// ---- report -----------------------------------------------------------------------------------

const pooled = (r, pick) => r.rounds.flatMap(pick);
const triple = (x) => {
  const t = stats(x);
  return `${ms(t.p50)} / ${ms(t.p99)} / ${ms(t.mean)}`;
};

function report(results, started, loadBefore) {
  const sizesArg = process.env.BENCH_READ_SIZES ? ` with \`BENCH_READ_SIZES=${process.env.BENCH_READ_SIZES}\`` : '';
  const event = process.env.npm_lifecycle_event;
  const command = event ? `\`npm run ${event}\`` : '`node bench/read.bench.js` on a fresh `node scripts/setup.js test` build (what `npm run bench:read` runs)';
  const lines = [
    `# Read path benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${machine()}. Load average (1/5/15 min) ${loadBefore} at the start, ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end: ` +
      `the benchmark itself (load generator, server and DuckDB) shares these cores, and anything else running on the machine shows as noise in the tails. ` +
      `Command: ${command}${sizesArg}; the whole run took ${((Date.now() - started) / 60_000).toFixed(1)} min.`,
    '',
    `**Data.** ${fmt(AGENTS)} agents in ${ORGS} orgs (10 each), memories spread evenly over ${DAYS} days up to the load time and appended in time order (as the worker appends), ` +
      `straight into the embedded DuckDB file through \`DuckDbMemoryStore.write\` (data-chunk appender, one transaction per ${fmt(LOAD_BATCH)} rows; no HTTP). ` +
      `Content 50–400 characters; 70% episodic, 15% decision (with a reasoning), 10% entity, 5% session; one session per agent and day.`,
    '',
    `**Tenancy.** Standalone binds only \`org_default\` to the embedded file (bootstrap creates \`bind_embedded\`; the admin API accepts only Arc bindings), ` +
      `so all ${ORGS} orgs' rows share that one file and table (\`${MEASUREMENT}\`) and every read is \`org_default\`'s: its 10 agents hold 1% of the rows. ` +
      `The SQL still filters \`org_id\` over the whole table, as a shared 100-tenant file would.`,
    '',
    `**Requests.** Recall \`GET /api/v1/memories?agent_id=A&since=24h&limit=50\`; context \`POST /api/v1/agents/A/context\` with \`${JSON.stringify(CONTEXT_BODY)}\` ` +
      `(agent context, chosen because the memories are an agent's across sessions: its newest 100 memories in the window, rendered within 4000 tokens). ` +
      `Sequential (concurrency 1), one keep-alive connection (node:http); ${fmt(REQUESTS)} timed requests of each kind per layer, in ${ROUNDS} rounds, each after ${WARMUP} untimed warm-up calls; ` +
      `agents drawn at random (seeded) from org_default's 10, the same sequence for every layer. The bootstrap admin key; log level info (the default: one access-log line per request).`,
    '',
    `**Baseline.** The identical SQL text — built per request by the query service's own request mapper and \`MemorySqlBuilder\` (dist/) — on a direct @duckdb/node-api connection to the same file, ` +
      `\`runAndReadAll\` + \`getRowObjects\` (as the adapter reads), SQL built outside the timing. DuckDB lets one process own a file, so it runs with the server stopped; ` +
      `each round runs raw SQL → in-process layers → whole stack, so all see the same machine conditions. ` +
      `Before measuring, each round checks that the server's newest memory per agent is the raw SQL's.`,
    '',
    '| dataset | load | query | rows per answer | raw SQL p50 / p99 ms | whole stack p50 / p99 ms | stack − raw at p50 | stack − raw at p99 | target: p99 ≤ raw p99 + 3 ms | p99 ratio stack / raw |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const loadText = `${r.loaded.seconds.toFixed(0)} s (${fmt(Math.round(r.total / r.loaded.seconds))} rows/s, file ${(r.loaded.bytes / 2 ** 20).toFixed(0)} MiB)`;
    for (const kind of ['recall', 'context']) {
      const raw = stats(pooled(r, (x) => x.raw[kind]));
      const stack = stats(pooled(r, (x) => x.stack[kind]));
      const diff = stack.p99 - raw.p99;
      const signed = (x) => `${x >= 0 ? '+' : '−'}${ms(Math.abs(x))} ms`;
      const rows = (r.rounds.reduce((s, x) => s + x.raw[`${kind}Rows`], 0) / r.rounds.length).toFixed(1);
      lines.push(
        `| ${fmt(r.total)} | ${kind === 'recall' ? loadText : ''} | ${kind} | ${rows} | ${ms(raw.p50)} / ${ms(raw.p99)} | ${ms(stack.p50)} / ${ms(stack.p99)} | ` +
          `${signed(stack.p50 - raw.p50)} | ${signed(diff)} | ${diff <= 3 ? 'met' : '**missed**'} | ${(stack.p99 / raw.p99).toFixed(2)}× |`,
      );
    }
  }
  lines.push(
    '',
    '**Where the time goes** (all rounds pooled; p50 / p99 / mean ms). "Gateway-side" is the `ms` of the gateway\'s access-log line: request received to response sent, TCP hop to the query handlers included; the whole stack adds the client and loopback.',
    '',
    '| dataset | layer | recall | context |',
    '|---|---|---|---|',
  );
  for (const r of results) {
    const all = (pick) => pooled(r, pick);
    lines.push(
      `| ${fmt(r.total)} | raw SQL (baseline) | ${triple(all((x) => x.raw.recall))} | ${triple(all((x) => x.raw.context))} |`,
      `| | store adapter in-process (\`DuckDbMemoryStore.query\`: same SQL + serial queue + row mapping) | ${triple(all((x) => x.layers.recall))} | ${triple(all((x) => x.layers.context))} |`,
      `| | context renderer alone, in-process (o200k token budget of 4000, on the fetched rows) | | ${triple(all((x) => x.layers.render))} |`,
      `| | hot-tier lookup alone, in-process (one Redis ZRANGEBYSCORE, empty) | ${triple(all((x) => x.layers.hot))} | |`,
      `| | HTTP + API-key auth alone: \`GET /api/v1/auth/verify\` through the gateway | ${triple(all((x) => x.stack.verify))} | |`,
      `| | gateway-side time of the read (access log) | ${triple(all((x) => x.stack.gateway.recall))} | ${triple(all((x) => x.stack.gateway.context))} |`,
      `| | whole stack, client-measured | ${triple(all((x) => x.stack.recall))} | ${triple(all((x) => x.stack.context))} |`,
    );
  }
  lines.push('', '**Per round** (p50 / p99 ms; load average when the round started), to show how much the shared machine moved the figures:', '', '| dataset | round | load avg | recall raw | recall stack | context raw | context stack |', '|---|---|---|---|---|---|---|');
  for (const r of results) {
    r.rounds.forEach((x, i) => {
      const pp = (v) => {
        const t = stats(v);
        return `${ms(t.p50)} / ${ms(t.p99)}`;
      };
      lines.push(`| ${i === 0 ? fmt(r.total) : ''} | ${i + 1} | ${x.loadAvg.toFixed(2)} | ${pp(x.raw.recall)} | ${pp(x.stack.recall)} | ${pp(x.raw.context)} | ${pp(x.stack.context)} |`);
    });
  }
  lines.push(
    '',
    'Context answers: ' +
      results
        .map((r) => {
          const n = r.rounds.length;
          const rows = r.rounds.reduce((s, x) => s + x.raw.contextRows, 0) / n;
          const tokens = r.rounds.reduce((s, x) => s + x.layers.meanTokens, 0) / n;
          const truncated = r.rounds.reduce((s, x) => s + x.layers.truncatedShare, 0) / n;
          return `${fmt(r.total)}: ${rows.toFixed(1)} memories read, ${tokens.toFixed(0)} tokens rendered on average, ${(truncated * 100).toFixed(0)}% of answers cut to the budget`;
        })
        .join('; ') +
      '.',
    '',
  );
  return lines.join('\n');
}

async function main() {
  const started = Date.now();
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  log(`sizes ${SIZES.map(fmt).join(', ')}; ${fmt(REQUESTS)} timed requests per kind and layer in ${ROUNDS} rounds, ${WARMUP} warm-up calls each`);
  const results = [];
  for (const total of SIZES) results.push(await runSize(total));
  writeReport('read', report(results, started, loadBefore));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
