#!/usr/bin/env node
// Authenticated request throughput of the gateway against a bare node:http baseline measured in the
// same run on the same machine (`npm run bench:auth`). Writes a dated report under bench/results/.
'use strict';
const { join } = require('node:path');
const { root, machine, freshEnv, startApp, cli, cannon, bareHttpBaseline, writeReport } = require('./lib');

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = 50;

async function main() {
  const base = await bareHttpBaseline(SECONDS, CONNECTIONS);
  const { env, drop } = await freshEnv();
  const org = cli(['org', 'create', 'bench'], env);
  const key = cli(['key', 'create', '--org', org.id, '--name', 'bench', '--permissions', 'read'], env).key;
  const gateway = await startApp('gateway', env, ['gateway']);
  const gw = await cannon({ url: `http://127.0.0.1:${gateway.ports.gateway}/api/v1/auth/verify`, headers: { 'x-api-key': key }, connections: CONNECTIONS, duration: SECONDS });
  await gateway.stop();
  await drop();
  const row = (name, r) => `| ${name} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} |`;
  const report = [
    `# Auth path benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${machine()}. Load generator on the same cores; ${CONNECTIONS} connections, ${SECONDS} s each. Command: \`npm run bench:auth\`.`,
    '',
    '| target | req/s | p50 ms | p99 ms | non-2xx |',
    '|---|---|---|---|---|',
    row('bare node:http (baseline)', base),
    row('gateway GET /api/v1/auth/verify (API-key auth, cached)', gw),
    '',
    `Ratio gateway / baseline: **${((gw.requests.average / base.requests.average) * 100).toFixed(1)}%**`,
    '',
  ].join('\n');
  writeReport('auth', report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
