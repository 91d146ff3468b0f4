import { AppError, type MemoryFilter, type MemoryRecord } from '@memtrace/contracts';
import { ErrorThrottle } from '@memtrace/observability';
import type { RedisClient } from '@memtrace/redis';
import { matchesFilter } from '@memtrace/store';
import type { Logger } from 'pino';
import { decodeHotTierRow, encodeHotTierRow } from './hot-tier-row';

/**
 * Redis, where the hot tier lives, did not answer: a client's read gets a 503 `queue_unavailable`;
 * an erasure, which must see every unconfirmed row, retries (the outage is expected to clear).
 */
export class QueueUnavailableError extends AppError {
  constructor(message: string, hint: string, cause: unknown) {
    super('queue_unavailable', message, hint);
    this.cause = cause;
  }
}

/**
 * Acknowledged memories that the store may not show yet (design §5): written by the gateway before
 * it answers 201, trimmed by the ingest worker once the store confirms them. Per org, a sorted set
 * (time → id) bounds reads to the filter's time window and a hash holds the records. Reads apply the
 * same `MemoryFilter` predicate as the SQL builder, so a merge by id is exact.
 */
export class HotTier {
  /** Rows of a newer release's format, or broken ones: left out of reads, and logged (throttled). */
  private readonly unreadable?: ErrorThrottle;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    /** The org's part of its keys (`RedisService.orgTag`: a hash tag on a cluster). */
    private readonly orgTag: (orgId: string) => string = (orgId) => orgId,
    logger?: Logger,
  ) {
    this.unreadable = logger && new ErrorThrottle(logger, 'hot-tier rows this release cannot read were left out of a read');
  }


  /** The org's two keys; the gateway's admission script writes them directly (`WriteAdmission`). */
  keys(orgId: string): { index: string; rows: string } {
    const org = this.orgTag(orgId);
    return { index: `${this.keyPrefix}:hot:${org}:time`, rows: `${this.keyPrefix}:hot:${org}:rows` };
  }

  async add(orgId: string, records: readonly MemoryRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { index, rows } = this.keys(orgId);
    // Rows first, then the index that makes them findable: a reader never meets an index entry
    // whose row is missing for longer than this one round trip (and skips such entries anyway).
    await Promise.all([this.redis.hset(rows, ...records.flatMap((r) => [r.id, encodeHotTierRow(r)])), this.redis.zadd(index, ...records.flatMap((r) => [r.timeUs, r.id]))]);
  }

  async remove(orgId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const { index, rows } = this.keys(orgId);
    await Promise.all([this.redis.zrem(index, ...ids), this.redis.hdel(rows, ...ids)]);
  }

  /**
   * Every unconfirmed memory of the org that matches the filter, in no particular order. Without
   * Redis a read cannot know what it is missing, so it is unavailable (503), not silently partial.
   */
  async find(filter: MemoryFilter): Promise<MemoryRecord[]> {
    const { index, rows } = this.keys(filter.orgId);
    // An export page's key bounds the range too, so a page reads the tier's rows from there on only.
    const min = filter.after !== undefined && (filter.sinceUs === undefined || filter.after.timeUs > filter.sinceUs) ? `${filter.after.timeUs}` : filter.sinceUs !== undefined ? `(${filter.sinceUs}` : '-inf';
    const max = filter.untilUs !== undefined ? `(${filter.untilUs}` : '+inf';
    let ids: string[];
    let values: Array<string | null>;
    try {
      ids = await this.redis.zrangebyscore(index, min, max);
      values = ids.length === 0 ? [] : await this.redis.hmget(rows, ...ids);
    } catch (error) {
      throw new QueueUnavailableError('recent writes cannot be read: the queue (Redis) is unreachable', 'retry shortly; Redis holds the writes not yet in the store', error);
    }
    const records: MemoryRecord[] = [];
    for (const value of values) {
      if (value === null) continue; // trimmed between the two reads
      const record = decodeHotTierRow(value);
      if (!record) this.unreadable?.report(new Error(`a hot-tier row of org ${filter.orgId} fails its schema`));
      else if (record.orgId === filter.orgId && matchesFilter(record, filter)) records.push(record);
    }
    return records;
  }

  async size(orgId: string): Promise<number> {
    return this.redis.zcard(this.keys(orgId).index);
  }

  /**
   * Drops entries older than `maxAgeMs`: the rare phantom left by a gateway that died between
   * writing here and enqueueing (the client never got its 201), so the tier stays bounded.
   */
  async sweep(orgId: string, maxAgeMs: number, nowUs: number): Promise<number> {
    const { index } = this.keys(orgId);
    const stale = await this.redis.zrangebyscore(index, '-inf', `(${nowUs - maxAgeMs * 1000}`);
    await this.remove(orgId, stale);
    return stale.length;
  }
}
