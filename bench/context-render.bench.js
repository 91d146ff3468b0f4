#!/usr/bin/env node
// Context renderer benchmark (`npm run bench:context-render`), in-process, no services: renders the
// agent context of 100 realistic memories (content 50–400 characters; 70% episodic, 15% decisions
// with metadata.reasoning, 10% entities, 5% session) under a budget of 4,000 o200k tokens, which
// forces a cut. BENCH_CONTEXT_ITERATIONS timed renders (default 2000) after BENCH_CONTEXT_WARMUP
// untimed ones (default 200). As the baseline, each iteration also times one countTokens of the
// rendered output: the floor for a renderer that must report the exact count. Both are timed in the
// same loop, alternating, so the shared machine moves them alike. Writes a dated markdown report
// under bench/results/.
'use strict';
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { root, prng, machine, writeReport } = require('./lib');

const ITERATIONS = Number(process.env.BENCH_CONTEXT_ITERATIONS || 2000);
const WARMUP = Number(process.env.BENCH_CONTEXT_WARMUP || 200);
const MEMORIES = 100;
const MAX_TOKENS = 4000;
const SUBJECT = { kind: 'agent', id: 'agent_bench' };

const dist = (path) => require(join(root, 'dist', path));
const { ContextRenderer } = dist('apps/query/src/context/context.renderer');
const { o200kTokenCounter } = dist('apps/query/src/context/token-counter.util');

const WORDS = (
  'crawled fetched parsed stored retried skipped page product catalog record records api endpoint json html ' +
  'user order invoice payment timeout backoff cache miss hit rate limit token budget session agent tool call ' +
  'search query result results found returned updated created deleted price stock shipping review rating the a ' +
  'of to from with for and in on after before because latency ms seconds 429 500 200 retry queue worker batch'
).split(' ');
const EVENTS = { episodic: ['page_crawled', 'tool_call', 'api_request', 'file_written', 'error'], decision: ['decision'], entity: ['site', 'person', 'product'], session: ['session_start', 'session_end'] };

function sentence(rand, minChars, maxChars) {
  const target = minChars + Math.floor(rand() * (maxChars - minChars + 1));
  let text = '';
  while (text.length < target) {
    const r = rand();
    const word = r < 0.06 ? `https://example.com/p/${Math.floor(rand() * 10_000)}` : r < 0.14 ? String(Math.floor(rand() * 100_000)) : WORDS[Math.floor(rand() * WORDS.length)];
    text += (text ? (rand() < 0.08 ? ', ' : ' ') : '') + word;
  }
  return `${text.slice(0, target).trimEnd()}.`;
}

function memoryType(rand) {
  const r = rand();
  return r < 0.7 ? 'episodic' : r < 0.85 ? 'decision' : r < 0.95 ? 'entity' : 'session';
}

function memories() {
  const rand = prng(20261203);
  const now = Date.UTC(2026, 11, 3, 12) * 1000;
  return Array.from({ length: MEMORIES }, (_, i) => {
    const type = memoryType(rand);
    const events = EVENTS[type];
    return {
      id: `0198c0de-0000-7000-8000-${String(i).padStart(12, '0')}`,
      timeUs: now - i * 37_000_000 - Math.floor(rand() * 1_000_000),
      orgId: 'org_bench',
      agentId: 'agent_bench',
      sessionId: `sess_${Math.floor(i / 20)}`,
      memoryType: type,
      eventType: events[Math.floor(rand() * events.length)],
      content: sentence(rand, 50, 400),
      metadata: type === 'decision' ? { reasoning: sentence(rand, 30, 160) } : null,
      tags: [],
      dedupKey: '',
      importance: 0.5,
      parentId: '',
    };
  });
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
}

/** Tokenizer calls and characters tokenized by one render: the work the timing is made of. */
function tokenizerWork(input) {
  const work = { calls: 0, chars: 0 };
  const tally = (text) => ((work.calls += 1), (work.chars += text.length));
  const counter = {
    ...o200kTokenCounter,
    count: (text) => (tally(text), o200kTokenCounter.count(text)),
    countWithin: (text, limit) => (tally(text), o200kTokenCounter.countWithin(text, limit)),
  };
  new ContextRenderer({ tokenCounter: counter }).render(input, SUBJECT, MAX_TOKENS);
  return work;
}

function main() {
  const input = memories();
  const renderer = new ContextRenderer();
  const result = renderer.render(input, SUBJECT, MAX_TOKENS);
  if (result.token_count !== o200kTokenCounter.count(result.context)) throw new Error('token_count differs from countTokens(context)');
  for (let i = 0; i < WARMUP; i++) {
    renderer.render(input, SUBJECT, MAX_TOKENS);
    o200kTokenCounter.count(result.context);
  }
  const render = [];
  const baseline = [];
  for (let i = 0; i < ITERATIONS; i++) {
    let t = performance.now();
    renderer.render(input, SUBJECT, MAX_TOKENS);
    render.push(performance.now() - t);
    t = performance.now();
    o200kTokenCounter.count(result.context);
    baseline.push(performance.now() - t);
  }
  const r = stats(render);
  const b = stats(baseline);
  const work = tokenizerWork(input);
  const ms = (x) => x.toFixed(3);
  const chars = input.reduce((sum, m) => sum + m.content.length, 0);
  writeReport(
    'context-render',
    [
      `# Context renderer benchmark, ${new Date().toISOString().slice(0, 10)}`,
      '',
      `Machine: ${machine()}. Command: \`npm run bench:context-render\`.`,
      `In-process, dist build: \`ContextRenderer.render\` of an agent context, ${MEMORIES} memories (content ${chars} characters in all, 50–400 each; ${input.filter((m) => m.memoryType === 'decision').length} decisions with reasoning), budget ${MAX_TOKENS} o200k tokens.`,
      `Output: ${result.memory_count} memories shown, ${result.omitted_count} omitted, ${result.token_count} tokens, ${result.context.length} characters. ${ITERATIONS} timed iterations after ${WARMUP} warm-up.`,
      '',
      '| measurement | p50 ms | p99 ms | mean ms |',
      '|---|---|---|---|',
      `| render (cut to the budget) | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.mean)} |`,
      `| baseline: one countTokens of the rendered output | ${ms(b.p50)} | ${ms(b.p99)} | ${ms(b.mean)} |`,
      `| ratio render / baseline | ${(r.p50 / b.p50).toFixed(2)}× | ${(r.p99 / b.p99).toFixed(2)}× | ${(r.mean / b.mean).toFixed(2)}× |`,
      '',
      `Tokenizer work in one render: ${work.calls} calls, ${work.chars} characters tokenized (${(work.chars / result.context.length).toFixed(2)}× the output).`,
      '',
    ].join('\n'),
  );
}

main();
