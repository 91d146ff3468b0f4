import { ErasureFilter, erasureFilterSchema, erasureStoreFilter, MemoryRecord } from '@memtrace/contracts';
import type { RedisClient } from '@memtrace/redis';
import { matchesFilter } from '@memtrace/store';
import { z } from 'zod';
import { ERASED_KEEP_MS } from './erased-ids';

/** One erasure's filter, and once it has finished, the time after which writes are not its business. */
export interface ForgetTombstone {
  erasureId: string;
  filter: ErasureFilter;
  /** Set when the erasure finished: rows queued later are new memories, not forgotten ones. */
  closedAtMs?: number;
}

const storedSchema = z.object({ filter: erasureFilterSchema, closedAtMs: z.number().optional() });

/**
 * The filters of an org's erasures (per org, a hash erasure id → filter), for rows that are still
 * queued or in a worker's batch when an erasure runs: workers drop a row a tombstone covers before
 * they write it, and delete it again if the tombstone came while the batch was written. A tombstone
 * covers rows queued while its erasure was open, and stays `ERASED_KEEP_MS` after it closed, for
 * rows that were queued before and wait in a long backlog. Worker and runner compare the job's
 * enqueue time with the close time, so their clocks must agree (NTP) to within what a write takes.
 */
export class ForgetTombstones {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly orgTag: (orgId: string) => string = (orgId) => orgId,
  ) {}

  private key(orgId: string): string {
    return `${this.keyPrefix}:forget:${this.orgTag(orgId)}`;
  }

  async open(orgId: string, erasureId: string, filter: ErasureFilter): Promise<void> {
    const key = this.key(orgId);
    await Promise.all([this.redis.hset(key, erasureId, JSON.stringify({ filter })), this.redis.pexpire(key, ERASED_KEEP_MS)]);
    await this.prune(orgId);
  }

  /**
   * The erasure finished at `atMs`. A tombstone closed already (by a run cut short after that)
   * keeps its first close time; returns the close time kept.
   */
  async close(orgId: string, erasureId: string, atMs = Date.now()): Promise<number> {
    const key = this.key(orgId);
    const json = await this.redis.hget(key, erasureId);
    const current = json === null ? undefined : parseStored(json);
    if (!current) return atMs;
    if (current.closedAtMs !== undefined) return current.closedAtMs;
    await Promise.all([this.redis.hset(key, erasureId, JSON.stringify({ filter: current.filter, closedAtMs: atMs })), this.redis.pexpire(key, ERASED_KEEP_MS)]);
    return atMs;
  }

  /** A failed erasure's tombstone goes: writes it held back land again. */
  async remove(orgId: string, erasureId: string): Promise<void> {
    await this.redis.hdel(this.key(orgId), erasureId);
  }

  /** Every tombstone of the org (one round trip; an org without erasures answers an empty hash). */
  async all(orgId: string): Promise<ForgetTombstone[]> {
    const stored = await this.redis.hgetall(this.key(orgId));
    return Object.entries(stored).flatMap(([erasureId, json]) => {
      const parsed = parseStored(json);
      return parsed ? [{ erasureId, ...parsed }] : [];
    });
  }

  /** Closed tombstones past `ERASED_KEEP_MS` go. */
  private async prune(orgId: string, nowMs = Date.now()): Promise<void> {
    const expired = (await this.all(orgId)).filter((t) => t.closedAtMs !== undefined && t.closedAtMs < nowMs - ERASED_KEEP_MS);
    if (expired.length > 0) await this.redis.hdel(this.key(orgId), ...expired.map((t) => t.erasureId));
  }
}

/** Whether `tombstone` forgets `record`, queued (acknowledged) at `queuedAtMs`. */
export function tombstoneCovers(tombstone: ForgetTombstone, record: MemoryRecord, queuedAtMs: number): boolean {
  if (tombstone.closedAtMs !== undefined && queuedAtMs > tombstone.closedAtMs) return false;
  return matchesFilter(record, erasureStoreFilter(record.orgId, tombstone.filter));
}

/** A stored tombstone, or undefined for one this version cannot read (it is then ignored). */
function parseStored(text: string): z.infer<typeof storedSchema> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = storedSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
