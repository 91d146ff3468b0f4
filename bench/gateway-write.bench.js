#!/usr/bin/env node
// The gateway's write path alone (`npm run bench:gateway-write`): single-memory POSTs to a gateway
// process with no worker consuming the queue, so the figure is what the gateway itself sustains
// (validation, dedup claim, hot tier, enqueue), against a bare node:http server in the same run.
'use strict';
const { readFileSync } = require('node:fs');
const { Redis } = require('ioredis');
const { machine, freshEnv, startApp, cli, cannon, bareHttpBaseline, writeReport } = require('./lib');

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = 50;

/** CPU seconds a process has used (Linux /proc): steadier than req/s on a machine shared with the load generator. */
function processCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function redisCpuSeconds(redis) {
  const info = await redis.info('cpu');
  const field = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)[1]);
  return field('used_cpu_user') + field('used_cpu_sys');
}

async function main() {
  const base = await bareHttpBaseline(SECONDS, CONNECTIONS);
  const { env, drop } = await freshEnv();
  const org = cli(['org', 'create', 'gateway-write'], env);
  // The gateway only checks that a binding exists; nothing connects to this address.
  cli(['org', 'add-arc', org.id, '--url', 'http://127.0.0.1:9', '--database', 'bench'], env);
  const key = cli(['key', 'create', '--org', org.id, '--name', 'w', '--permissions', 'write'], env).key;
  const gateway = await startApp('gateway', env, ['gateway']);
  let n = 0;
  const writes = (rate) =>
    cannon({
      url: `http://127.0.0.1:${gateway.ports.gateway}/api/v1/memories`,
      connections: CONNECTIONS,
      duration: SECONDS,
      ...(rate ? { overallRate: rate } : {}),
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, setupRequest: (req) => ({ ...req, body: JSON.stringify({ agent_id: 'a', content: `m ${process.pid} ${n++}` }) }) }],
    });
  const redis = new Redis(env.REDIS_URL || 'redis://127.0.0.1:6379');
  const cpuBefore = { gateway: processCpuSeconds(gateway.child.pid), redis: await redisCpuSeconds(redis) };
  const result = await writes();
  const perRequestUs = (seconds) => Math.round((seconds * 1e6) / result.requests.total);
  const cpu = { gateway: perRequestUs(processCpuSeconds(gateway.child.pid) - cpuBefore.gateway), redis: perRequestUs((await redisCpuSeconds(redis)) - cpuBefore.redis) };
  redis.disconnect();
  const halfRate = Math.round(result.requests.average / 2);
  const half = await writes(halfRate);
  await gateway.stop();
  await drop();
  writeReport(
    'gateway-write',
    [
      `# Gateway write path alone, ${new Date().toISOString().slice(0, 10)}`,
      '',
      `Machine: ${machine()}. ${CONNECTIONS} connections, ${SECONDS} s, no worker consuming. Command: \`npm run bench:gateway-write\`.`,
      '',
      '| target | req/s | p50 ms | p99 ms | non-2xx |',
      '|---|---|---|---|---|',
      `| bare node:http (baseline) | ${Math.round(base.requests.average)} | ${base.latency.p50} | ${base.latency.p99} | ${base.non2xx} |`,
      `| gateway POST /api/v1/memories | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} |`,
      `| the same at half that rate (${halfRate} req/s offered) | ${Math.round(half.requests.average)} | ${half.latency.p50} | ${half.latency.p99} | ${half.non2xx} |`,
      '',
      `CPU per request at the maximum rate: gateway process ${cpu.gateway} µs, Redis ${cpu.redis} µs (all of Redis, so other clients count too).`,
      '',
      `Ratio gateway / baseline: **${((result.requests.average / base.requests.average) * 100).toFixed(1)}%** (target ≥ 40%); p99 at half the maximum rate **${half.latency.p99} ms** (target ≤ 10 ms).`,
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
