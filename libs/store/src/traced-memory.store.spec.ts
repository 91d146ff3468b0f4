import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing, TracingHandle } from '@memtrace/observability';
import pino from 'pino';
import { memoryRecord } from '@memtrace/testing';
import { ArcMemoryStore } from './arc/arc.adapter';
import { StoreUnavailableError } from './port/store.exception';
import { createStore } from './store.factory';
import { TracedMemoryStore } from './traced-memory.store';

describe('store calls while tracing is on', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingHandle;

  beforeAll(async () => {
    tracing = (await startTracing({}, { app: 'test', logger: pino({ level: 'silent' }), exporter }))!;
  });
  afterAll(() => tracing.close());
  beforeEach(async () => {
    await tracing.flush();
    exporter.reset();
  });

  it('are CLIENT spans with the database conventions (embedded DuckDB)', async () => {
    const store = await createStore({ kind: 'duckdb', url: ':memory:', database: 'unused', measurement: 'memories' });
    expect(store).toBeInstanceOf(TracedMemoryStore);
    expect(store.writesVisibleOnCommit).toBe(true); // the batcher reads it through the wrapper
    await store.write([memoryRecord(), memoryRecord()]);
    expect(await store.count({ orgId: 'org_a' })).toBe(2);
    await store.ping();
    await store.close();
    await tracing.flush();

    const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, kind: s.kind, attributes: s.attributes }));
    expect(spans).toEqual([
      {
        name: 'INSERT memories',
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'duckdb', 'db.collection.name': 'memories', 'db.operation.name': 'INSERT', 'db.operation.batch.size': 2 },
      },
      { name: 'SELECT memories', kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'duckdb', 'db.collection.name': 'memories', 'db.operation.name': 'SELECT' } },
    ]);
  });

  it('name the Arc server and database, and mark a failed call', async () => {
    const binding = { kind: 'arc' as const, url: 'http://arc.internal:8000', database: 'org_db', measurement: 'events' };
    const failing = new ArcMemoryStore({ ...binding, transport: async () => Promise.reject(new TypeError('connect ECONNREFUSED')) });
    const store = new TracedMemoryStore(failing, binding);
    expect(store.writesVisibleOnCommit).toBe(false);
    await expect(store.query({ filter: { orgId: 'org_a' }, order: 'desc', limit: 1 })).rejects.toThrow(StoreUnavailableError);
    await tracing.flush();

    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('SELECT events');
    expect(span.attributes).toMatchObject({ 'db.system.name': 'arc', 'db.namespace': 'org_db', 'server.address': 'arc.internal', 'server.port': 8000, 'error.type': 'StoreUnavailableError' });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});
