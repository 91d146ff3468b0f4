import { Injectable } from '@nestjs/common';
import { MemoryFilter, MemoryQuery, MemoryRecord } from '@memtrace/contracts';
import { HotTier, StoreRegistry } from '@memtrace/store';
import { mergeHotTier, storeWindow } from './hot-tier-merge.util';

/**
 * Every read goes through here: the org's store plus its hot tier (acknowledged writes the store
 * may not show yet, design §5), merged by id, so a read after a 201 on any replica sees the write.
 */
@Injectable()
export class MemoryReader {
  constructor(
    private readonly stores: StoreRegistry,
    private readonly hotTier: HotTier,
  ) {}

  async query(query: MemoryQuery): Promise<MemoryRecord[]> {
    // The store first resolves the binding: a tenant without one gets its 503 before Redis is read.
    const store = await this.stores.forOrg(query.filter.orgId);
    const hot = await this.hotTier.find(query.filter);
    // The common case: nothing unconfirmed matches, so the store's page is the answer.
    if (hot.length === 0) return store.query(query);
    return mergeHotTier(await store.query(storeWindow(query)), hot, query);
  }

  /** Matching memories, hot-tier rows the store does not show yet included. */
  async count(filter: MemoryFilter): Promise<number> {
    const store = await this.stores.forOrg(filter.orgId);
    const [stored, hotOnly] = await Promise.all([store.count(filter), this.hotOnly(filter)]);
    return stored + hotOnly.length;
  }

  async countByType(filter: MemoryFilter): Promise<Record<string, number>> {
    const store = await this.stores.forOrg(filter.orgId);
    const [counts, hotOnly] = await Promise.all([store.countByType(filter), this.hotOnly(filter)]);
    const merged = { ...counts };
    for (const record of hotOnly) merged[record.memoryType] = (merged[record.memoryType] ?? 0) + 1;
    return merged;
  }

  /** Hot-tier rows matching the filter that the store does not answer yet (one bounded id query). */
  private async hotOnly(filter: MemoryFilter): Promise<MemoryRecord[]> {
    const hot = await this.hotTier.find(filter);
    if (hot.length === 0) return [];
    const store = await this.stores.forOrg(filter.orgId);
    const visible = await store.query({ filter: { ...filter, ids: hot.map((r) => r.id) }, order: 'asc', limit: hot.length });
    const seen = new Set(visible.map((r) => r.id));
    return hot.filter((r) => !seen.has(r.id));
  }
}
