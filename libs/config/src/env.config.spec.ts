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
});
