import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, createStack, Stack, TenantStack, waitFor } from '@memtrace/testing';
import { clientTraceparent, KIND, OtlpReceiver, ReceivedSpan } from './otlp-fixtures';

jest.setTimeout(120_000);

/** The one span of `spans` named `name` (and of `kind`), or a failure that lists what arrived. */
function only(spans: ReceivedSpan[], name: string, kind: number): ReceivedSpan {
  const found = spans.filter((s) => s.name === name && s.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${name} span of kind ${kind}, got ${found.length} of: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
  return found[0];
}

/** Waits (polling the receiver) until the trace holds a span of each name. */
async function traceWith(receiver: OtlpReceiver, traceId: string, names: Array<string | RegExp>): Promise<ReceivedSpan[]> {
  const has = (spans: ReceivedSpan[], name: string | RegExp) => spans.some((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
  await waitFor(async () => names.every((name) => has(receiver.trace(traceId), name)), 30_000, `spans ${names.join(', ')} of trace ${traceId}`);
  return receiver.trace(traceId);
}

/**
 * OpenTelemetry traces across the split processes: gateway, ingest worker and query service export
 * to a real OTLP/HTTP receiver (JSON), and one write and one read each form one trace, continuing
 * the caller's own `traceparent`, with the parent/child relations the README describes.
 */
describe('traces (OTLP/HTTP) across gateway, ingest worker and query service', () => {
  const receiver = new OtlpReceiver();
  let stack: TenantStack;
  let gateway: AppProcess;

  beforeAll(async () => {
    await receiver.start();
    stack = await createStack({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
    await stack.spawn('query');
    await stack.spawn('ingest-worker');
    gateway = await stack.spawn('gateway');
  });

  afterAll(async () => {
    await stack?.close();
    await receiver.stop();
  });

  const request = (method: string, path: string, traceparent: string, body?: unknown) =>
    fetch(`${gateway.url()}${path}`, {
      method,
      headers: { 'x-api-key': stack.key, 'content-type': 'application/json', traceparent },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('a write is one trace from the HTTP request to the store write, over two processes', async () => {
    const caller = clientTraceparent();
    const reply = await request('POST', '/api/v1/memories', caller.header, { agent_id: 'agent_traced', session_id: 'sess_1', content: 'traced write' });
    expect(reply.status).toBe(201);
    const { id } = (await reply.json()) as { id: string };

    const spans = await traceWith(receiver, caller.traceId, ['POST /api/v1/memories', 'create_memory', 'send ingest', 'process ingest', /^INSERT /]);
    const server = only(spans, 'POST /api/v1/memories', KIND.server);
    const create = only(spans, 'create_memory', KIND.internal);
    const send = only(spans, 'send ingest', KIND.producer);
    const batch = only(spans, 'process ingest', KIND.consumer);
    const insert = spans.find((s) => s.name.startsWith('INSERT ') && s.kind === KIND.client)!;

    expect(server).toMatchObject({ service: 'memtrace-gateway', parentSpanId: caller.spanId });
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/api/v1/memories', 'http.response.status_code': 201 });
    expect(create).toMatchObject({ service: 'memtrace-gateway', parentSpanId: server.spanId });
    expect(create.attributes).toMatchObject({
      'gen_ai.operation.name': 'create_memory',
      'gen_ai.memory.store.id': stack.orgId,
      'gen_ai.memory.record.id': id,
      'gen_ai.memory.record.count': 1,
      'gen_ai.agent.id': 'agent_traced',
      'gen_ai.conversation.id': 'sess_1',
    });
    expect(send).toMatchObject({ service: 'memtrace-gateway', parentSpanId: create.spanId });
    expect(send.attributes).toMatchObject({ 'messaging.system': 'bullmq', 'messaging.operation.type': 'send', 'messaging.message.id': id });
    // The job carried the enqueue's context to the worker.
    expect(batch).toMatchObject({ service: 'memtrace-ingest-worker', parentSpanId: send.spanId });
    expect(batch.attributes).toMatchObject({ 'messaging.operation.type': 'process', 'memtrace.org.id': stack.orgId });
    expect(insert).toMatchObject({ service: 'memtrace-ingest-worker', parentSpanId: batch.spanId });
    expect(insert.attributes).toMatchObject({ 'db.system.name': 'arc', 'db.operation.name': 'INSERT', 'db.namespace': 'memtrace_e2e' });
    // Confirming the batch is visible is a store query of the same batch.
    expect(spans.filter((s) => s.name.startsWith('SELECT ') && s.parentSpanId === batch.spanId).length).toBeGreaterThan(0);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['memtrace-gateway', 'memtrace-ingest-worker']));
    expect(receiver.refused).toEqual([]);
  });

  it('a read is one trace from the gateway through the query RPC to the store query', async () => {
    const caller = clientTraceparent();
    const reply = await request('POST', '/api/v1/search', caller.header, { agent_id: 'agent_traced', since: '1h' });
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { results: Array<{ content: string }> }).results.map((m) => m.content)).toContain('traced write');

    const pattern = 'query.search-memories.v2';
    const spans = await traceWith(receiver, caller.traceId, ['POST /api/v1/search', pattern, 'search_memory', /^SELECT /]);
    const server = only(spans, 'POST /api/v1/search', KIND.server);
    const client = only(spans, pattern, KIND.client);
    const rpc = only(spans, pattern, KIND.server);
    const search = only(spans, 'search_memory', KIND.internal);
    const select = spans.find((s) => s.name.startsWith('SELECT ') && s.kind === KIND.client)!;

    expect(server).toMatchObject({ service: 'memtrace-gateway', parentSpanId: caller.spanId });
    expect(client).toMatchObject({ service: 'memtrace-gateway', parentSpanId: server.spanId });
    expect(client.attributes).toMatchObject({ 'rpc.method': pattern, 'server.port': Number(stack.env.env.MEMTRACE_QUERY_PORT) });
    // The RPC request carried the client span's context inside the signed frame.
    expect(rpc).toMatchObject({ service: 'memtrace-query', parentSpanId: client.spanId });
    expect(search).toMatchObject({ service: 'memtrace-query', parentSpanId: rpc.spanId });
    expect(search.attributes).toMatchObject({ 'gen_ai.operation.name': 'search_memory', 'gen_ai.memory.store.id': stack.orgId });
    expect(search.attributes['gen_ai.memory.record.count']).toBeGreaterThanOrEqual(1);
    expect(select).toMatchObject({ service: 'memtrace-query', parentSpanId: search.spanId });
    expect(select.attributes).toMatchObject({ 'db.system.name': 'arc', 'db.operation.name': 'SELECT' });
  });

  it('a request without a caller context starts its own trace, and probes are not traced', async () => {
    const before = receiver.spans.length;
    expect((await fetch(`${gateway.url()}/health`)).status).toBe(200);
    const reply = await fetch(`${gateway.url()}/api/v1/memories?agent_id=agent_traced`, { headers: { 'x-api-key': stack.key } });
    expect(reply.status).toBe(200);
    await waitFor(async () => receiver.spans.slice(before).some((s) => s.name === 'GET /api/v1/memories'), 30_000, 'the list request span');
    const list = receiver.spans.slice(before).find((s) => s.name === 'GET /api/v1/memories')!;
    expect(list.parentSpanId).toBeUndefined();
    const rpc = await traceWith(receiver, list.traceId, ['query.list-memories.v2', 'search_memory']);
    expect(rpc.some((s) => s.service === 'memtrace-query')).toBe(true);
    expect(receiver.spans.some((s) => s.attributes['http.route'] === '/health')).toBe(false);
  });
});

/** The standalone process: the same spans in one service, the store an embedded DuckDB. */
describe('traces of the standalone process', () => {
  const receiver = new OtlpReceiver();
  let stack: Stack;
  let app: AppProcess;
  let key: string;

  beforeAll(async () => {
    await receiver.start();
    const dir = mkdtempSync(join(tmpdir(), 'memtrace-traces-'));
    stack = await createStack({
      arc: false,
      env: { MEMTRACE_DATA_DIR: dir, MEMTRACE_BOOTSTRAP_KEY_FILE: join(dir, 'admin.key'), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
    app = await stack.spawn('standalone');
    key = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
  });

  afterAll(async () => {
    await stack?.close();
    await receiver.stop();
  });

  it('a write and a read are traced down to the DuckDB store, and a stop exits cleanly', async () => {
    const headers = (traceparent: string) => ({ 'x-api-key': key, 'content-type': 'application/json', traceparent });
    const write = clientTraceparent();
    const written = await fetch(`${app.url('gateway')}/api/v1/memories`, { method: 'POST', headers: headers(write.header), body: JSON.stringify({ agent_id: 'solo', content: 'in one process' }) });
    expect(written.status).toBe(201);
    const writeSpans = await traceWith(receiver, write.traceId, ['POST /api/v1/memories', 'create_memory', 'send ingest', 'process ingest', /^INSERT /]);
    const batch = only(writeSpans, 'process ingest', KIND.consumer);
    expect(batch.parentSpanId).toBe(only(writeSpans, 'send ingest', KIND.producer).spanId);
    const insert = writeSpans.find((s) => s.name.startsWith('INSERT '))!;
    expect(insert).toMatchObject({ parentSpanId: batch.spanId, attributes: expect.objectContaining({ 'db.system.name': 'duckdb', 'db.operation.name': 'INSERT' }) });
    expect(new Set(writeSpans.map((s) => s.service))).toEqual(new Set(['memtrace-standalone']));

    const read = clientTraceparent();
    const listed = await fetch(`${app.url('gateway')}/api/v1/memories?agent_id=solo`, { headers: headers(read.header) });
    expect(listed.status).toBe(200);
    const readSpans = await traceWith(receiver, read.traceId, ['GET /api/v1/memories', 'query.list-memories.v2', 'search_memory', /^SELECT /]);
    const rpc = only(readSpans, 'query.list-memories.v2', KIND.server);
    expect(rpc.parentSpanId).toBe(only(readSpans, 'query.list-memories.v2', KIND.client).spanId);
    const search = only(readSpans, 'search_memory', KIND.internal);
    expect(search.parentSpanId).toBe(rpc.spanId);
    expect(readSpans.find((s) => s.name.startsWith('SELECT '))).toMatchObject({ parentSpanId: search.spanId, attributes: expect.objectContaining({ 'db.system.name': 'duckdb' }) });

    expect(await app.stop()).toBe(0);
  });
});
