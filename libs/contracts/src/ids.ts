import { randomBytes, randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Upstream's id shape: a prefix plus 24 lowercase hex characters (12 random bytes). */
export function newId(prefix: 'org' | 'agent' | 'sess' | 'bind'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** Upstream's ID pattern (§5): agent, session and org ids; starts with a letter, max 128. */
export const ID_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/;
export const ID_PATTERN_MESSAGE = 'invalid ID format: must be alphanumeric with underscores/hyphens, max 128 chars';

/** A memory id: the UUID (v7) the gateway assigns, in any letter case. */
export const MEMORY_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Random bytes for memory ids, drawn 16 at a time from a pool refilled with one call per 256 ids. */
const idPool = { bytes: new Uint8Array(4096), next: 4096 };

/**
 * A UUIDv7 for a memory (uuid's `v7`, its random bits from a pool): the write path mints one per
 * memory, and uuid's own source makes a `getRandomValues` call for each (about 5% of a gateway's
 * CPU per write). Ids within a millisecond are not ordered among themselves; nothing relies on it
 * (reads order by time, then id).
 */
export function newMemoryId(): string {
  return uuidv7({
    rng: () => {
      if (idPool.next === idPool.bytes.length) {
        randomFillSync(idPool.bytes);
        idPool.next = 0;
      }
      idPool.next += 16;
      return idPool.bytes.subarray(idPool.next - 16, idPool.next);
    },
  });
}
