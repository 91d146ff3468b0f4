#!/usr/bin/env node
// Many-tenants benchmark (`npm run bench:tenants`). One gateway, one ingest worker, one Arc double;
// for 1, 10, 100, 1,000 and 5,000 active orgs (each bound to its own Arc double database) it writes
// BENCH_WRITES single memories spread round-robin over the orgs and measures, in the same run:
//  - stored/s until every write is confirmed in the store, as a ratio of the 1-org figure, in steady
//    state: each org's first write (the gateway's key, limits and binding lookups, the worker's
//    consumer and store, the double's database) is made and stored before the clock starts, and
//    reported on its own as the cost of an org's first write;
//  - Redis connections the worker process holds (CLIENT LIST, by connection name);
//  - then BENCH_IDLE_SECONDS idle: Redis commands/s (INFO total_commands_processed), worker CPU and RSS.
// Targets (issue "Thousands of tenants"): at 1,000 orgs ≥ 80% of the 1-org rate; ≤ 16 connections per
// worker process; idle ≤ 1 command/s per org that had work in the last minute; worker RSS < 300 MiB.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Redis } = require('ioredis');
const { root, machine, freshEnv, startApp, metric, sleep, writeReport } = require('./lib');

const WRITES = Number(process.env.BENCH_WRITES || 6000);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS || 10);
const TIERS = (process.env.BENCH_TIERS || '1,10,100,1000,5000').split(',').map(Number);
const CONCURRENCY = 50;

/** Creates `count` orgs, each bound to Arc double database `tenant_<i>`, with a read/write key: in-process, on the admin service layer. */
async function provision(env, count, arcUrl) {
  Object.assign(process.env, env, { MEMTRACE_LOG_LEVEL: 'error' });
  const { NestFactory } = require('@nestjs/core');
  const { AppConfig } = require(join(root, 'dist/libs/config/src'));
  const { CliModule } = require(join(root, 'dist/apps/admin/src/cli/cli.module'));
  const { OrganizationService } = require(join(root, 'dist/apps/admin/src/organizations/organization.service'));
  const { StoreBindingService } = require(join(root, 'dist/apps/admin/src/store-bindings/store-binding.service'));
  const { ApiKeyService } = require(join(root, 'dist/apps/admin/src/api-keys/api-key.service'));
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(AppConfig.fromEnv()), { logger: false });
  const actor = { label: 'cli:bench', scopeOrgId: null };
  const [orgs, bindings, keys] = [app.get(OrganizationService), app.get(StoreBindingService), app.get(ApiKeyService)];
  const tenants = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        const org = await orgs.create(actor, `tenant-${i}`);
        await bindings.set(actor, org.id, { kind: 'arc', url: arcUrl, database: `tenant_${i}`, token: 'bench-arc-token-0123456789abcdef' }, { replace: false });
        const created = await keys.create(actor, org.id, { name: 'bench', scopes: ['read', 'write'] });
        tenants[i] = { orgId: org.id, key: created.key };
        if ((i + 1) % 1000 === 0) process.stderr.write(`provisioned ${i + 1}/${count} orgs\n`);
      }
    }),
  );
  await app.close();
  return tenants;
}

/** `writes` single writes over the first `orgs` tenants; seconds until all are stored. */
async function writePhase(gatewayUrl, workerMetrics, tenants, orgs, writes = WRITES) {
  const before = await metric(workerMetrics, 'memtrace_ingest_rows_written_total');
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < writes) {
        const n = next++;
        const tenant = tenants[n % orgs];
        const res = await fetch(`${gatewayUrl}/api/v1/memories`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': tenant.key },
          body: JSON.stringify({ agent_id: `agent_${n % 7}`, content: `tenant bench ${started} ${orgs}/${n}` }),
        });
        if (res.status !== 201) throw new Error(`write answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  const acked = Date.now();
  // Not more often: a scrape costs the worker CPU, which the measurement would otherwise include.
  while ((await metric(workerMetrics, 'memtrace_ingest_rows_written_total')) - before < writes) await sleep(100);
  process.stderr.write(`  all acknowledged after ${((acked - started) / 1000).toFixed(2)} s, all stored after ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
  return (Date.now() - started) / 1000;
}

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const commandsProcessed = async (redis) => Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))[1]);
const connectionsOf = async (redis, pid) => (await redis.client('LIST')).split('\n').filter((line) => line.includes(` name=memtrace-${pid} `)).length;

async function idlePhase(redis, workerPid) {
  const [commands0, cpu0] = [await commandsProcessed(redis), cpuSeconds(workerPid)];
  await sleep(IDLE_SECONDS * 1000);
  const [commands1, cpu1] = [await commandsProcessed(redis), cpuSeconds(workerPid)];
  // The two INFO calls are this script's own.
  return { commandsPerSecond: (commands1 - commands0 - 1) / IDLE_SECONDS, cpuPercent: ((cpu1 - cpu0) / IDLE_SECONDS) * 100, rss: rssMiB(workerPid) };
}

async function main() {
  const maxOrgs = Math.max(...TIERS);
  const { env, drop } = await freshEnv({ MEMTRACE_LOG_LEVEL: 'warn', MEMTRACE_MASTER_KEY: require('node:crypto').randomBytes(32).toString('base64') });
  const { spawnArcDouble } = require(join(root, 'dist/libs/testing/src/arc-double'));
  const arc = await spawnArcDouble({ maxBufferAgeMs: 100, auth: { 'bench-arc-token-0123456789abcdef': ['read', 'write', 'admin'] } });
  const redis = new Redis(env.REDIS_URL || 'redis://127.0.0.1:6379');
  let gateway;
  let worker;
  try {
    process.stderr.write(`provisioning ${maxOrgs} orgs…\n`);
    const tenants = await provision(env, maxOrgs, arc.url);
    worker = await startApp('ingest-worker', env, ['ingest-worker', 'metrics']);
    gateway = await startApp('gateway', env, ['gateway']);
    const gatewayUrl = `http://127.0.0.1:${gateway.ports.gateway}`;
    const workerMetrics = `http://127.0.0.1:${worker.ports.metrics}`;
    const rows = [];
    for (const orgs of TIERS) {
      process.stderr.write(`${orgs} orgs: one first write each…\n`);
      const firstWrites = await writePhase(gatewayUrl, workerMetrics, tenants, orgs, orgs);
      process.stderr.write(`${orgs} orgs: ${WRITES} writes…\n`);
      const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))[1]);
      const pids = [worker.child.pid, gateway.child.pid, arc.pid, redisPid];
      const cpu0 = pids.map(cpuSeconds);
      const arc0 = await arc.stats();
      const seconds = await writePhase(gatewayUrl, workerMetrics, tenants, orgs);
      const arc1 = await arc.stats();
      const arcRequests = { writes: (arc1.writes.total - arc0.writes.total) / WRITES, queries: (arc1.queries.total - arc0.queries.total) / WRITES };
      const busy = pids.map((pid, i) => ((cpuSeconds(pid) - cpu0[i]) / seconds) * 100);
      process.stderr.write(`  stored/s ${Math.round(WRITES / seconds)}; CPU while writing: worker ${busy[0].toFixed(0)}%, gateway ${busy[1].toFixed(0)}%, Arc double ${busy[2].toFixed(0)}%, Redis ${busy[3].toFixed(0)}%; Arc writes ${arcRequests.writes.toFixed(2)} and queries ${arcRequests.queries.toFixed(2)} per memory\n`);
      const connections = await connectionsOf(redis, worker.child.pid);
      // The last batch's jobs are still being completed in Redis when its rows are counted as stored.
      await sleep(3_000);
      const idle = await idlePhase(redis, worker.child.pid);
      const heap = (await metric(workerMetrics, 'nodejs_heap_size_used_bytes')) / 2 ** 20;
      const heapTotal = (await metric(workerMetrics, 'nodejs_heap_size_total_bytes')) / 2 ** 20;
      process.stderr.write(`  worker heap used ${heap.toFixed(0)} MiB of ${heapTotal.toFixed(0)} MiB, RSS ${idle.rss.toFixed(0)} MiB\n`);
      rows.push({ orgs, firstWriteMs: (firstWrites * 1000) / orgs, storedPerSecond: WRITES / seconds, connections, workerCpuMs: ((busy[0] / 100) * seconds * 1000) / WRITES, arcCpu: busy[2], arcRequests, ...idle });
    }
    const base = rows[0].storedPerSecond;
    const table = rows
      .map((r) => `| ${r.orgs.toLocaleString('en')} | ${Math.round(r.storedPerSecond)} | ${((r.storedPerSecond / base) * 100).toFixed(0)}% | ${r.workerCpuMs.toFixed(2)} ms | ${r.arcCpu.toFixed(0)}% | ${r.arcRequests.writes.toFixed(2)} / ${r.arcRequests.queries.toFixed(2)} | ${r.connections} | ${r.commandsPerSecond.toFixed(1)} | ${(r.commandsPerSecond / r.orgs).toFixed(3)} | ${r.cpuPercent.toFixed(1)}% | ${Math.round(r.rss)} MiB | ${r.firstWriteMs.toFixed(1)} ms |`)
      .join('\n');
    writeReport(
      'tenants',
      `# Many tenants: one gateway, one ingest worker, one Arc double\n\n${machine()}; ${WRITES} single writes per tier, round-robin over the orgs, ${CONCURRENCY} concurrent clients; then ${IDLE_SECONDS} s idle.\n\n` +
        `| active orgs | stored/s | of 1 org | worker CPU per memory | Arc double CPU | Arc writes / queries per memory | worker Redis connections | idle Redis commands/s | per active org | idle worker CPU | worker RSS | first write, per org |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n${table}\n\n` +
        'Stored/s is steady state: each org wrote once, and that write was stored, before the clock started. The last column is that first pass: its time divided by the orgs (50 at a time), the cost of an org\'s first write (key, limits and binding lookups, consumer and store opened, the double\'s database created).\n\n' +
        'The Arc double (one DuckDB database per org) runs on the same cores as everything else: with one org per database, each small batch costs it a write and a confirmation query.\n\n' +
        'Targets: ≥ 80% of the 1-org rate at 1,000 orgs; ≤ 16 connections per worker process; idle ≤ 1 command/s per org active in the last minute; RSS < 300 MiB.\n',
    );
  } finally {
    await gateway?.stop();
    await worker?.stop();
    await arc.stop();
    redis.disconnect();
    await drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
