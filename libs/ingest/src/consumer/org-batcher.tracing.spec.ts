import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { inSpan, startTracing, traceCarrier, TracingHandle } from '@memtrace/observability';
import { FAST_BATCHER_SETTINGS, inProcessIngest, memoryRecord as aRecord, ScriptedStore } from '@memtrace/testing';
import pino from 'pino';

describe('OrgBatcher while tracing is on', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingHandle;

  beforeAll(async () => {
    tracing = (await startTracing({}, { app: 'test', logger: pino({ level: 'silent' }), exporter }))!;
  });
  afterAll(() => tracing.close());

  it('processes a batch of many jobs in one CONSUMER span: child of the first traced enqueue, linked to the others', async () => {
    const { batcher } = inProcessIngest(new ScriptedStore(), { settings: { ...FAST_BATCHER_SETTINGS, batchMs: 5 } });
    // Three requests, each enqueued in its own trace, and one job of an older gateway without a context.
    const enqueued = await Promise.all([1, 2, 3].map(() => inSpan('send ingest', { kind: SpanKind.PRODUCER }, async (span) => ({ span: span.spanContext(), trace: traceCarrier() }))));
    await Promise.all([batcher.submit([aRecord()]), ...enqueued.map((e) => batcher.submit([aRecord(), aRecord()], e.trace))]);
    await tracing.flush();

    const batches = exporter.getFinishedSpans().filter((s) => s.name === 'process ingest');
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch.kind).toBe(SpanKind.CONSUMER);
    expect(batch.parentSpanContext).toMatchObject({ traceId: enqueued[0].span.traceId, spanId: enqueued[0].span.spanId });
    expect(batch.links.map((l) => l.context.spanId)).toEqual([enqueued[1].span.spanId, enqueued[2].span.spanId]);
    expect(batch.attributes).toMatchObject({ 'messaging.batch.message_count': 4, 'memtrace.memory.count': 7, 'memtrace.org.id': 'org_a' });
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
