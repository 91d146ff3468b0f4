import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per process. Metric objects are created here, once, so that every module
 * of a process (and the standalone process that hosts several apps) shares the same series.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'memtrace_http_requests_total',
    help: 'HTTP requests answered, by app, route and status',
    labelNames: ['app', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'memtrace_http_request_duration_seconds',
    help: 'HTTP request latency, by app and route',
    labelNames: ['app', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'memtrace_auth_failures_total',
    help: 'Rejected API keys, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly cacheInvalidations = new Counter({
    name: 'memtrace_cache_invalidations_total',
    help: 'Cache invalidation messages received, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly bindingFailures = new Gauge({
    name: 'memtrace_store_binding_unavailable',
    help: '1 when an org store binding cannot be opened (bad ciphertext or wrong master key)',
    labelNames: ['org'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
