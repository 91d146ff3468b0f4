import { createHash } from 'node:crypto';
import { API_KEY_PATTERN, generateApiKey, hashApiKey } from './api-key';

describe('API keys', () => {
  it('are mtk_ + padded base64url of 32 bytes: 48 characters ending in =', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateApiKey();
      expect(key).toHaveLength(48);
      expect(key).toMatch(API_KEY_PATTERN);
      expect(key.endsWith('=')).toBe(true);
      const body = key.slice(4).replace(/-/g, '+').replace(/_/g, '/');
      expect(Buffer.from(body, 'base64')).toHaveLength(32);
    }
  });

  it('are unique', () => {
    const keys = new Set(Array.from({ length: 1000 }, generateApiKey));
    expect(keys.size).toBe(1000);
  });

  it('are stored as the SHA-256 hex of the whole key', () => {
    const key = 'mtk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).not.toBe(hashApiKey(key.replace('AAA=', 'AAB=')));
  });
});
