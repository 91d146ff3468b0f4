import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { AppConfig } from '@memtrace/config';
import type { Logger } from 'pino';
import { ErrorThrottle } from './error-throttle';
import { setTracingEnabled } from './trace-context';

export interface TracingHandle {
  /** Exports the spans ended so far. */
  flush(): Promise<void>;
  /** Exports what is left and unregisters the provider (the last closable of a process). */
  close(): Promise<void>;
}

export interface TracingOptions {
  /** The app (`gateway`, `query`, …): the service name is `memtrace-<app>` unless OTEL_SERVICE_NAME says otherwise. */
  app: string;
  logger: Logger;
  /** Instead of the OTLP/HTTP exporter (tests). */
  exporter?: SpanExporter;
}

/**
 * Registers a tracer provider when an OTLP endpoint is configured: spans are batched
 * (BatchSpanProcessor, OTEL_BSP_SCHEDULE_DELAY) and sent as OTLP/HTTP JSON, W3C trace context is
 * the propagation format, and async work keeps its context (AsyncLocalStorage). Without an
 * endpoint nothing is registered, the SDK is not even loaded, and the API's no-op tracer stays in
 * place. Export failures are logged, throttled, as `trace export failed`.
 */
export async function startTracing(config: AppConfig['tracing'], options: TracingOptions): Promise<TracingHandle | undefined> {
  if (!config.tracesUrl && !options.exporter) return undefined;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { W3CTraceContextPropagator }, { defaultResource, resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
    ]);
  const failures = new ErrorThrottle(options.logger, 'trace export failed');
  const report = (message: string, ...args: unknown[]) => failures.report(new Error([message, ...args.map(describe)].join(' ')));
  diag.setLogger({ error: report, warn: report, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: config.tracesUrl });
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': config.serviceName ?? `memtrace-${options.app}` })),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.scheduledDelayMs })],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  setTracingEnabled(true);
  options.logger.info({ endpoint: withoutCredentials(config.tracesUrl), service: config.serviceName ?? `memtrace-${options.app}` }, 'exporting traces');
  return {
    flush: () => provider.forceFlush(),
    async close() {
      setTracingEnabled(false);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      diag.disable();
    },
  };
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The endpoint for the log line: no user info or query (either could hold a credential). */
function withoutCredentials(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
