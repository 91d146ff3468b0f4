import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { contextFrom, inSpan, linkTo, memtraceTracer, traceCarrier, tracingEnabled } from './trace-context';
import { startTracing, TracingHandle } from './tracing';

const logger = pino({ level: 'silent' });
const CARRIER = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };

describe('trace context helpers with tracing off', () => {
  it('register nothing without an endpoint', async () => {
    await expect(startTracing({}, { app: 'test', logger })).resolves.toBeUndefined();
    expect(tracingEnabled()).toBe(false);
  });

  it('carry nothing and run work as is', async () => {
    expect(contextFrom(CARRIER)).toBeUndefined();
    const result = await inSpan('work', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(traceCarrier()).toBeUndefined();
      return 42;
    });
    expect(result).toBe(42);
  });
});

describe('trace context helpers with tracing on', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingHandle;

  beforeAll(async () => {
    tracing = (await startTracing({}, { app: 'test', logger, exporter }))!;
  });

  afterAll(() => tracing.close());

  beforeEach(async () => {
    await tracing.flush();
    exporter.reset();
  });

  it('inject the active span and extract it as the remote parent of the next process', async () => {
    let carrier: ReturnType<typeof traceCarrier>;
    const sender = await inSpan('send', { kind: SpanKind.PRODUCER }, async (span) => {
      carrier = traceCarrier();
      return span.spanContext();
    });
    expect(carrier!.traceparent).toBe(`00-${sender.traceId}-${sender.spanId}-01`);

    const remote = contextFrom(carrier);
    expect(trace.getSpanContext(remote!)).toMatchObject({ traceId: sender.traceId, spanId: sender.spanId, isRemote: true });
    await inSpan('process', { kind: SpanKind.CONSUMER, parent: remote }, async () => undefined);
    await tracing.flush();

    const spans = exporter.getFinishedSpans();
    const processed = spans.find((s) => s.name === 'process')!;
    expect(processed.spanContext().traceId).toBe(sender.traceId);
    expect(processed.parentSpanContext?.spanId).toBe(sender.spanId);
    expect(processed.resource.attributes['service.name']).toBe('memtrace-test');
  });

  it('keep tracestate and link to a carried context', async () => {
    const remote = contextFrom({ ...CARRIER, tracestate: 'vendor=abc' })!;
    await context.with(remote, async () => {
      // A remote parent is not a recording span of this process: nothing to pass on.
      expect(traceCarrier()).toBeUndefined();
    });
    await inSpan('child', { parent: remote }, async () => {
      expect(traceCarrier()).toEqual({ traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/), tracestate: 'vendor=abc' });
    });
    expect(linkTo(remote)?.context.spanId).toBe('00f067aa0ba902b7');
  });

  it('ignore a malformed carrier', () => {
    expect(contextFrom({ traceparent: 'garbage' })).toBeUndefined();
    expect(contextFrom(undefined)).toBeUndefined();
  });

  it('mark a failed span with error.type and rethrow', async () => {
    const failure = Object.assign(new Error('no store'), { code: 'store_unavailable' });
    await expect(inSpan('failing', {}, async () => Promise.reject(failure))).rejects.toBe(failure);
    await tracing.flush();
    const span = exporter.getFinishedSpans().find((s) => s.name === 'failing')!;
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no store' });
    expect(span.attributes['error.type']).toBe('store_unavailable');
  });

  it('use the memtrace tracer for spans made directly', () => {
    const span = memtraceTracer().startSpan('direct');
    expect(span.isRecording()).toBe(true);
    span.end();
  });
});
