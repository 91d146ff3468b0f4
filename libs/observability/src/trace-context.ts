import { Context, context, INVALID_SPAN_CONTEXT, Link, propagation, ROOT_CONTEXT, Span, SpanOptions, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';

/**
 * The W3C trace context of a unit of work that crosses a process boundary inside a message (an
 * ingest job's payload, a query RPC request) rather than in HTTP headers.
 */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

/** The instrumentation scope of every span Memtrace makes. */
export const TRACER_NAME = 'memtrace';

/** Set by `startTracing` while a tracer provider is registered. */
const tracing = { enabled: false };
/** What `inSpan` hands to work while tracing is off: a shared span whose methods do nothing. */
const NON_RECORDING = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Whether spans are recorded and exported in this process (OTEL_EXPORTER_OTLP_ENDPOINT is set).
 * Instrumentation checks it first, so with tracing off it costs one property read.
 */
export function tracingEnabled(): boolean {
  return tracing.enabled;
}

/** For `startTracing` only. */
export function setTracingEnabled(enabled: boolean): void {
  tracing.enabled = enabled;
}

export function memtraceTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

export interface InSpanOptions extends SpanOptions {
  /** The parent; default the active context. */
  parent?: Context;
}

/**
 * Runs `work` in a new active span, ended when `work` settles; a failure marks the span as an
 * error (`error.type` and status) and is rethrown. With tracing off, `work` runs directly with a
 * span that records nothing, so callers set request-dependent attributes only `if (span.isRecording())`.
 */
export function inSpan<T>(name: string, options: InSpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  if (!tracing.enabled) return work(NON_RECORDING);
  return memtraceTracer().startActiveSpan(name, options, options.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `error.type` (the error's code, else its class) and an error status with the message. */
export function markFailed(span: Span, error: unknown): void {
  span.setAttribute('error.type', errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * The active (or given) context as a carrier, to put into a message; undefined when tracing is off
 * or nothing is being recorded, so unsampled work carries no context.
 */
export function traceCarrier(from: Context = context.active()): TraceCarrier | undefined {
  if (!tracing.enabled || !trace.getSpan(from)?.isRecording()) return undefined;
  const carrier: Partial<TraceCarrier> = {};
  propagation.inject(from, carrier);
  return carrier.traceparent ? { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) } : undefined;
}

/** The remote context a message carried, to parent or link spans on; undefined when there is none. */
export function contextFrom(carrier: TraceCarrier | undefined): Context | undefined {
  if (!tracing.enabled || !carrier) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, carrier);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** A span link to the span of `target`. */
export function linkTo(target: Context): Link | undefined {
  const spanContext = trace.getSpanContext(target);
  return spanContext ? { context: spanContext } : undefined;
}

function errorType(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code) return code;
  return error.name && error.name !== 'Error' ? error.name : error.constructor.name;
}
