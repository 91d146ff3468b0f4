import { createHash } from 'node:crypto';

const CONTENT_PREFIX_BYTES = 200;

/**
 * Upstream's dedup key, byte for byte: SHA-256 over `agent_id|event_type|` followed by the first
 * 200 UTF-8 *bytes* of the content (a multi-byte character may be cut, as Go's byte slice cuts
 * it), lowercase hex, first 32 characters. `eventType` is the defaulted value (`general`).
 */
export function dedupKey(agentId: string, eventType: string, content: string): string {
  const prefix = Buffer.from(content, 'utf8').subarray(0, CONTENT_PREFIX_BYTES);
  return createHash('sha256')
    .update(Buffer.from(`${agentId}|${eventType}|`, 'utf8'))
    .update(prefix)
    .digest('hex')
    .slice(0, 32);
}
