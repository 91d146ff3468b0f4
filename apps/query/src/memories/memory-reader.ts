import { Injectable } from '@nestjs/common';
import { MemoryFilter, MemoryQuery, MemoryRecord } from '@memtrace/contracts';
import { Metrics } from '@memtrace/observability';
import { BucketCount, countRecordsByBucket, MemoryStore, StoreRegistry, StoreUnavailableError } from '@memtrace/store';
import { HotTier } from '@memtrace/ingest';
import { mergeHotTier, storeWindow } from './hot-tier-merge.util';
import { ReadAdmission } from './read-admission';

/** Rows landing in the store mid-count are rare; a few tries settle any realistic race. */
const MAX_AGGREGATE_ATTEMPTS = 4;

/**
 * Every read goes through here: the org's store plus its hot tier (acknowledged writes the store
 * may not show yet, design §5), merged by id, so a read after a 201 on any replica sees the write.
 */
@Injectable()
export class MemoryReader {
  constructor(
    private readonly stores: StoreRegistry,
    private readonly hotTier: HotTier,
    private readonly admission: ReadAdmission,
    private readonly metrics: Metrics,
  ) {}

  query(query: MemoryQuery): Promise<MemoryRecord[]> {
    return this.read(query.filter.orgId, async () => {
      // The store first resolves the binding: a tenant without one gets its 503 before Redis is read.
      const store = await this.stores.forOrg(query.filter.orgId);
      const hot = await this.hotTier.find(query.filter);
      return mergeHotTier(await distinctPrefix(store, storeWindow(query)), hot, query);
    });
  }

  /** Matching memories, hot-tier rows the store does not show yet included. */
  async count(filter: MemoryFilter): Promise<number> {
    const { stored, hotOnly } = await this.read(filter.orgId, () => this.withHotOnly(filter, (store) => store.count(filter)));
    return stored + hotOnly.length;
  }

  async countByType(filter: MemoryFilter): Promise<Record<string, number>> {
    const { stored, hotOnly } = await this.read(filter.orgId, () => this.withHotOnly(filter, (store) => store.countByType(filter)));
    const merged = { ...stored };
    for (const record of hotOnly) merged[record.memoryType] = (merged[record.memoryType] ?? 0) + 1;
    return merged;
  }

  /** Counts per time bucket and type (`MemoryStore.countByBucket`), hot-tier rows the store does not show yet included. */
  async countByBucket(filter: MemoryFilter, bucketUs: number): Promise<BucketCount[]> {
    const { stored, hotOnly } = await this.read(filter.orgId, () => this.withHotOnly(filter, (store) => store.countByBucket(filter, bucketUs)));
    if (hotOnly.length === 0) return stored;
    const cells = new Map(stored.map((cell) => [`${cell.bucketUs}\u0000${cell.memoryType}`, { ...cell }]));
    for (const hot of countRecordsByBucket(hotOnly, bucketUs)) {
      const key = `${hot.bucketUs}\u0000${hot.memoryType}`;
      const cell = cells.get(key);
      if (cell) {
        cell.count += hot.count;
        cell.errors += hot.errors;
      } else {
        cells.set(key, hot);
      }
    }
    return [...cells.values()];
  }

  /** Admitted (or shed) per org, timed as the store operation `read`; an unreachable store counts as an error. */
  private read<T>(orgId: string, run: () => Promise<T>): Promise<T> {
    return this.admission.run(orgId, async () => {
      const org = this.metrics.org(orgId);
      const end = this.metrics.storeLatency.startTimer({ org, operation: 'read' });
      try {
        return await run();
      } catch (error) {
        if (error instanceof StoreUnavailableError) this.metrics.storeErrors.inc({ org, operation: 'read' });
        throw error;
      } finally {
        end();
      }
    });
  }

  /**
   * A store aggregate and the matching hot-tier rows it did not include. A hot row can become
   * visible in the store while the aggregate runs: checked only before, it would be counted twice;
   * checked only after (or concurrently), not at all, and stats read right after a write said 0.
   * So the hot rows' visibility is checked before and after the aggregate, and the aggregate is
   * repeated until the two agree (visibility only grows, so equal sizes mean equal sets).
   */
  private async withHotOnly<T>(filter: MemoryFilter, aggregate: (store: MemoryStore) => Promise<T>): Promise<{ stored: T; hotOnly: MemoryRecord[] }> {
    const store = await this.stores.forOrg(filter.orgId);
    const hot = await this.hotTier.find(filter);
    // Rows already trimmed from the hot tier were visible before it was read, so the store has them.
    if (hot.length === 0) return { stored: await aggregate(store), hotOnly: [] };
    let before = await this.visibleIds(store, filter, hot);
    for (let attempt = 1; ; attempt += 1) {
      const stored = await aggregate(store);
      const after = await this.visibleIds(store, filter, hot);
      if (after.size === before.size || attempt === MAX_AGGREGATE_ATTEMPTS) return { stored, hotOnly: hot.filter((r) => !after.has(r.id)) };
      before = after;
    }
  }

  /**
   * Ids of `hot` the store answers already: one query, bounded by their time range, narrowed to
   * their ids while the list fits in Arc's SQL length limit (an `id IN (…)` of a few hundred
   * unconfirmed rows exceeded it, and Arc refused the read with a 400). The hot rows match the
   * filter already, so their ids are all the query needs.
   */
  private async visibleIds(store: MemoryStore, filter: MemoryFilter, hot: readonly MemoryRecord[]): Promise<Set<string>> {
    const times = hot.map((r) => r.timeUs);
    return store.findVisibleIds(filter.orgId, hot.map((r) => r.id), Math.min(...times), Math.max(...times));
  }

}

/**
 * The first `window.limit` distinct memories of the store's answer to `window` (offset 0). A
 * retried batch can leave a row twice in the store (Arc has no unique key); a copy shares the
 * original's (time, id), so copies sort next to each other and collapse to one, and every copy
 * dropped is made up for by reading that many rows further, which keeps paging exact.
 */
async function distinctPrefix(store: MemoryStore, window: MemoryQuery): Promise<MemoryRecord[]> {
  for (let limit = window.limit; ; ) {
    const rows = await store.query({ ...window, limit });
    const byId = new Map<string, MemoryRecord>();
    for (const row of rows) if (!byId.has(row.id)) byId.set(row.id, row);
    const copies = rows.length - byId.size;
    if (copies === 0 || rows.length < limit) return [...byId.values()];
    limit += copies;
  }
}
