import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'mtk_';
/** `mtk_` + base64url *with padding* of 32 random bytes: 48 characters, as upstream issues them. */
export const API_KEY_PATTERN = /^mtk_[A-Za-z0-9_-]{43}=$/;

export function generateApiKey(): string {
  const body = randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return API_KEY_PREFIX + body;
}

/**
 * Keys are stored as SHA-256 hex. A 256-bit random token cannot be brute-forced, so a slow hash
 * (upstream used bcrypt) would only cost latency; the digest is also the O(1) lookup index.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
