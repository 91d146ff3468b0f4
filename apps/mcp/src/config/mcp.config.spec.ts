import { DEFAULT_MEMTRACE_URL, loadMcpConfig, McpConfigError } from './mcp.config';

describe('loadMcpConfig', () => {
  it('takes the key and URL from the environment, the URL defaulting to a local gateway', () => {
    expect(loadMcpConfig({ MEMTRACE_API_KEY: ' mtk_abc ', MEMTRACE_URL: 'https://memtrace.example.com' })).toEqual({
      url: 'https://memtrace.example.com',
      apiKey: 'mtk_abc',
    });
    expect(loadMcpConfig({ MEMTRACE_API_KEY: 'mtk_abc', MEMTRACE_URL: '' }).url).toBe(DEFAULT_MEMTRACE_URL);
  });

  it('refuses a missing or empty key, and a URL that is not http(s), saying what to set', () => {
    expect(() => loadMcpConfig({})).toThrow(McpConfigError);
    expect(() => loadMcpConfig({})).toThrow(/^MEMTRACE_API_KEY is not set: set it to a Memtrace API key/);
    expect(() => loadMcpConfig({ MEMTRACE_API_KEY: '  ' })).toThrow(/^MEMTRACE_API_KEY is empty/);
    expect(() => loadMcpConfig({ MEMTRACE_API_KEY: 'mtk_abc', MEMTRACE_URL: 'localhost:9100' })).toThrow(/^MEMTRACE_URL must be an http\(s\) URL/);
  });
});
