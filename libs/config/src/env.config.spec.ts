import { ConfigError, loadEnv } from './env.config';
import { AppConfig } from './app-config';

describe('configuration', () => {
  it('defaults to the standard loopback services and upstream port 9100', () => {
    const config = AppConfig.fromEnv({});
    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/memtrace');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.http.gatewayPort).toBe(9100);
    expect(config.http.adminPort).toBe(9101);
    expect(config.http.bodyLimitBytes).toBe(4 * 1024 * 1024);
    expect(config.masterKey.current).toBeUndefined();
  });

  it('names every invalid variable', () => {
    expect(() => loadEnv({ MEMTRACE_SERVER_PORT: 'ninety', REDIS_URL: 'nope', MEMTRACE_REDIS_PREFIX: 'a:b' })).toThrow(ConfigError);
    try {
      loadEnv({ MEMTRACE_SERVER_PORT: 'ninety', REDIS_URL: 'nope' });
    } catch (error) {
      expect((error as Error).message).toMatch(/MEMTRACE_SERVER_PORT/);
      expect((error as Error).message).toMatch(/REDIS_URL/);
    }
  });

  it('traces only with an OTLP endpoint, and derives the traces URL as the OpenTelemetry spec does', () => {
    expect(AppConfig.fromEnv({}).tracing.tracesUrl).toBeUndefined();
    expect(AppConfig.fromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }).tracing.tracesUrl).toBeUndefined();
    expect(AppConfig.fromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing.tracesUrl).toBe('http://collector:4318/v1/traces');
    expect(AppConfig.fromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b/otlp' }).tracing.tracesUrl).toBe('http://b/otlp');
    expect(AppConfig.fromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' }).tracing.tracesUrl).toBeUndefined();
    expect(AppConfig.fromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'edge' }).tracing).toEqual({
      tracesUrl: 'http://a:4318/v1/traces',
      serviceName: 'edge',
      scheduledDelayMs: 100,
    });
  });

  it('refuses a trace protocol the exporter does not speak', () => {
    expect(() => AppConfig.fromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTLP\/HTTP JSON/);
    expect(AppConfig.fromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).tracing.tracesUrl).toBeDefined();
    expect(() => loadEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
