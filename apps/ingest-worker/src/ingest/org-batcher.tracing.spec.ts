import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { MemoryRecord } from '@memtrace/contracts';
import { inSpan, Metrics, startTracing, traceCarrier, TracingHandle } from '@memtrace/observability';
import { ErasedIds, ForgetTombstones, HotTier, MemoryStore, StoreRegistry } from '@memtrace/store';
import pino from 'pino';
import { OrgBatcher } from './org-batcher';

let sequence = 0;
function aRecord(): MemoryRecord {
  sequence += 1;
  const id = `0198c0de-0000-7000-8000-${String(sequence).padStart(12, '0')}`;
  return { id, timeUs: 1_787_227_200_000_000 + sequence, orgId: 'org_a', agentId: 'a', sessionId: '', memoryType: 'episodic', eventType: 'general', content: id, metadata: null, tags: [], dedupKey: '', importance: 0, parentId: '' };
}

/** A store that accepts every row and shows it at once, though (like Arc) it does not say so. */
function acceptingStore(): MemoryStore {
  const rows = new Set<string>();
  return {
    writesVisibleOnCommit: false,
    write: async (records: readonly MemoryRecord[]) => void records.forEach((r) => rows.add(r.id)),
    findVisibleIds: async (_org: string, ids: readonly string[]) => new Set(ids.filter((id) => rows.has(id))),
  } as unknown as MemoryStore;
}

describe('OrgBatcher while tracing is on', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingHandle;

  beforeAll(async () => {
    tracing = (await startTracing({}, { app: 'test', logger: pino({ level: 'silent' }), exporter }))!;
  });
  afterAll(() => tracing.close());

  it('processes a batch of many jobs in one CONSUMER span: child of the first traced enqueue, linked to the others', async () => {
    const store = acceptingStore();
    const batcher = new OrgBatcher('org_a', { batchRows: 100, batchMs: 5, retryBaseMs: 1, retryMaxDelayMs: 2, confirmTimeoutMs: 1_000, refusedWriteAttempts: 5 }, {
      stores: { forOrg: async () => store } as unknown as StoreRegistry,
      hotTier: { remove: async () => undefined } as unknown as HotTier,
      erased: { which: async () => new Set<string>() } as unknown as ErasedIds,
      tombstones: { all: async () => [] } as unknown as ForgetTombstones,
      releaseClaims: async () => undefined,
      metrics: new Metrics(),
      logger: pino({ level: 'silent' }),
    });
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
