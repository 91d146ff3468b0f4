import { randomBytes } from 'node:crypto';

/** Upstream's id shape: a prefix plus 24 lowercase hex characters (12 random bytes). */
export function newId(prefix: 'org' | 'agent' | 'sess' | 'bind'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** Upstream's ID pattern (§5): agent, session and org ids; starts with a letter, max 128. */
export const ID_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/;
export const ID_PATTERN_MESSAGE = 'invalid ID format: must be alphanumeric with underscores/hyphens, max 128 chars';

/** A memory id: the UUID (v7) the gateway assigns, in any letter case. */
export const MEMORY_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
