#!/usr/bin/env node
// Hot-tier row decoding (`npm run bench:hot-tier-rows`), in-process, no services: a read parses every
// unconfirmed row of its window with the versioned schema (libs/ingest/src/hot-tier/hot-tier-row.ts).
// The baseline is the bare JSON.parse the tier did before rows had a version, timed in the same
// rounds, alternating, so the shared machine moves both alike. BENCH_HOT_ROWS rows (default 10,000:
// an org's backlog during a store outage), BENCH_HOT_ROUNDS rounds (default 20) after 3 warm-up rounds.
'use strict';
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { root, machine, writeReport } = require('./lib');

const ROWS = Number(process.env.BENCH_HOT_ROWS || 10_000);
const ROUNDS = Number(process.env.BENCH_HOT_ROUNDS || 20);
const { decodeHotTierRow, encodeHotTierRow } = require(join(root, 'dist/libs/ingest/src/hot-tier/hot-tier-row'));

const rows = Array.from({ length: ROWS }, (_, i) =>
  encodeHotTierRow({
    id: `0198c0de-0000-7000-8000-${String(i).padStart(12, '0')}`,
    timeUs: 1_787_227_200_000_000 + i,
    orgId: 'org_bench',
    agentId: 'agent_support',
    sessionId: `sess_${i % 50}`,
    memoryType: i % 7 === 0 ? 'decision' : 'episodic',
    eventType: 'general',
    content: `customer asked about the refund for order ${4711 + i}; agent explained the 30-day policy`,
    metadata: i % 7 === 0 ? { reasoning: 'policy allows it', order: 4711 + i } : null,
    tags: ['billing', 'refund'],
    dedupKey: '',
    importance: 0.5,
    parentId: '',
  }),
);

function timed(decode) {
  const start = performance.now();
  for (const row of rows) decode(row);
  return performance.now() - start;
}

for (let i = 0; i < 3; i++) timed(JSON.parse) + timed(decodeHotTierRow);
const bare = [];
const versioned = [];
for (let i = 0; i < ROUNDS; i++) {
  bare.push(timed(JSON.parse));
  versioned.push(timed(decodeHotTierRow));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perRow = (ms) => `${((ms * 1000) / ROWS).toFixed(2)} µs`;
writeReport(
  'hot-tier-rows',
  `# Hot-tier row decoding, ${new Date().toISOString().slice(0, 10)}

Machine: ${machine()}. ${ROWS.toLocaleString('en')} rows, median of ${ROUNDS} rounds.

| decoder | per row | ${ROWS.toLocaleString('en')} rows | of baseline |
|---|---|---|---|
| JSON.parse (baseline: unversioned rows) | ${perRow(median(bare))} | ${median(bare).toFixed(1)} ms | 1.00× |
| decodeHotTierRow (JSON.parse + zod schema) | ${perRow(median(versioned))} | ${median(versioned).toFixed(1)} ms | ${(median(versioned) / median(bare)).toFixed(2)}× |
`,
);
