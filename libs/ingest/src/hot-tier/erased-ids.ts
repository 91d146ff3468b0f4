import type { RedisClient } from '@memtrace/redis';

/**
 * Ids of memories deleted while they may still be on their way to the store (queued, or in a
 * worker's batch): per org, a sorted set id → when it was deleted. Workers drop such rows before
 * they write a batch and delete them after it if a deletion came while it was written, so a deleted
 * memory never lands later. Entries are kept `KEEP_MS`, far past any queue wait in practice.
 */
export const ERASED_KEEP_MS = 7 * 24 * 3600 * 1000;

export class ErasedIds {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly orgTag: (orgId: string) => string = (orgId) => orgId,
  ) {}

  private key(orgId: string): string {
    return `${this.keyPrefix}:erased:${this.orgTag(orgId)}`;
  }

  async add(orgId: string, ids: readonly string[], nowMs = Date.now()): Promise<void> {
    if (ids.length === 0) return;
    const key = this.key(orgId);
    await Promise.all([
      this.redis.zadd(key, ...ids.flatMap((id) => [nowMs, id])),
      this.redis.zremrangebyscore(key, '-inf', nowMs - ERASED_KEEP_MS),
      this.redis.pexpire(key, ERASED_KEEP_MS),
    ]);
  }

  /** These ids are written anew (an import restoring them): their rows must land again. */
  async forget(orgId: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.zrem(this.key(orgId), ...ids);
  }

  /** Which of `ids` were deleted (one round trip). */
  async which(orgId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const scores = await this.redis.zmscore(this.key(orgId), ...ids);
    return new Set(ids.filter((_, i) => scores[i] !== null));
  }
}
