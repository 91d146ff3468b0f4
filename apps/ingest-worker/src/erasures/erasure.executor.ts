import { AuditRepository, ErasureRepository, ErasureRow } from '@memtrace/catalog';
import { AppError, erasureStoreFilter, MemoryRecord } from '@memtrace/contracts';
import { Metrics } from '@memtrace/observability';
import { MemoryStore, StoreRefusedError, StoreRegistry, StoreRejectedError, StoreUnavailableError } from '@memtrace/store';
import { ForgetTombstones, HotTier, QueueUnavailableError } from '@memtrace/ingest';
import type { Logger } from 'pino';
import { backoffDelayMs, sleep } from '@memtrace/ingest';

export interface ErasureExecutorDeps {
  erasures: ErasureRepository;
  stores: StoreRegistry;
  hotTier: HotTier;
  tombstones: ForgetTombstones;
  releaseClaims: (orgId: string, records: readonly MemoryRecord[]) => Promise<void>;
  audit: AuditRepository;
  metrics: Metrics;
  logger: Logger;
  /** After an `org` erasure is done: the org itself goes (its row, and with it its receipts). */
  deleteOrg: (orgId: string) => Promise<void>;
}

export interface ErasureSettings {
  /** Rows read and deleted per step: Arc deletes at most 1,000,000 rows per call and rewrites the files it touches. */
  pageRows: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
}

/** The rows' time range, without spreading them into `Math.min` (which overflows the stack past ~100k). */
function timeRange(rows: readonly MemoryRecord[]): { minUs: number; maxUs: number } {
  let minUs = Infinity;
  let maxUs = -Infinity;
  for (const { timeUs } of rows) {
    if (timeUs < minUs) minUs = timeUs;
    if (timeUs > maxUs) maxUs = timeUs;
  }
  return { minUs, maxUs };
}

/** Memory ids per delete call: under Arc's SQL length limit with room for the rest of the predicate. */
const DELETE_IDS = 200;

/** The store kept the rows a delete was asked to remove: retried like an outage, never looped on. */
class NoProgressError extends StoreUnavailableError {}

/**
 * Runs one erasure to its end. Every step is idempotent, so a run cut short (a worker killed, a
 * store outage outlasting a shutdown) is run again from the start and ends in the same state:
 * the hot tier's matching rows go first (acknowledged, maybe not stored yet; their queued copies
 * are the tombstone's), then the store's rows page by page in time order, then the tombstone is
 * closed and the receipt and the audit trail are written. Store outages are waited out; a store
 * that refuses the delete (a binding without Arc's admin token) fails the erasure with a reason.
 */
export class ErasureExecutor {
  private closing = false;

  constructor(
    private readonly settings: ErasureSettings,
    private readonly deps: ErasureExecutorDeps,
  ) {}

  async run(orgId: string, erasureId: string, signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runOnce(orgId, erasureId);
      } catch (error) {
        if (error instanceof StoreRefusedError || error instanceof StoreRejectedError) return this.failed(orgId, erasureId, error);
        // Redis (the hot tier) or the store is down: the outage is expected to clear.
        const outage = error instanceof StoreUnavailableError || error instanceof QueueUnavailableError;
        // No binding (removed meanwhile): no retry can help.
        if (!outage && error instanceof AppError) return this.giveUp(orgId, erasureId, error.message);
        if (!outage || signal?.aborted || this.closing) throw error;
        const delayMs = backoffDelayMs(attempt, this.settings.retryBaseMs, this.settings.retryMaxDelayMs);
        const detail = error instanceof StoreUnavailableError ? (error.detail ?? error.message) : error.message;
        this.deps.logger.warn({ erasureId, attempt, delayMs, err: detail }, 'erasure: store or Redis unavailable; retrying');
        await sleep(delayMs, signal);
      }
    }
  }

  close() {
    this.closing = true;
  }

  private async runOnce(orgId: string, erasureId: string): Promise<void> {
    const erasure = await this.deps.erasures.get(orgId, erasureId);
    // A run cut short between an org's erasure and the deletion of its row finishes the latter.
    if (erasure?.status === 'done' && erasure.kind === 'org') return this.deps.deleteOrg(orgId);
    // A run cut short after the erasure failed makes sure its tombstone is gone.
    if (erasure?.status === 'failed') return this.deps.tombstones.remove(orgId, erasureId);
    if (!erasure || erasure.status === 'done') return;
    const filter = erasureStoreFilter(orgId, erasure.filter);
    const store = await this.deps.stores.forOrg(orgId);
    const hot = await this.deps.hotTier.find(filter);
    const hotOnly = await this.notStored(store, orgId, hot);
    // A re-run keeps the first run's count of what matched.
    await this.deps.erasures.start(erasure, erasure.matched ?? (await store.count(filter)) + hotOnly);
    if (hot.length > 0) {
      await this.deps.releaseClaims(orgId, hot);
      await this.deps.hotTier.remove(orgId, hot.map((r) => r.id));
      await this.counted(erasure, hotOnly);
    }
    let byFilter = true;
    for (;;) {
      if (this.closing) throw new Error('worker shutting down: the erasure goes on in the next run');
      const page = await store.query({ filter, order: 'asc', limit: this.settings.pageRows });
      if (page.length === 0) break;
      const lastUs = page[page.length - 1].timeUs;
      // The delete goes by time, so rows at the page's last time beyond the page go with it: read them too, for their claims.
      const tail = page.length < this.settings.pageRows ? [] : await store.query({ filter: { ...filter, sinceUs: lastUs - 1, untilUs: lastUs + 1 }, order: 'asc', limit: 10 * this.settings.pageRows });
      const rows = [...page, ...tail];
      const ids = [...new Set(rows.map((r) => r.id))];
      let deleted = 0;
      if (byFilter) {
        try {
          deleted = await store.delete({ ...filter, untilUs: lastUs + 1 });
        } catch (error) {
          if (!(error instanceof StoreRejectedError)) throw error;
          this.deps.logger.info({ orgId, erasureId, err: error.detail ?? error.message }, 'erasure: the store refused the filter in a delete; deleting by id');
          byFilter = false;
          continue;
        }
      } else {
        for (let i = 0; i < ids.length; i += DELETE_IDS) deleted += await this.deleteIds(store, orgId, ids.slice(i, i + DELETE_IDS), rows);
      }
      if (deleted === 0) throw new NoProgressError('the store still shows rows it was asked to delete');
      await this.deps.releaseClaims(orgId, rows);
      await this.counted(erasure, ids.length);
    }
    // One instant for both: a write acknowledged by then was queued by then, so the tombstone covers
    // every write acknowledged before the receipt's `finished_at`.
    const closedAtMs = await this.deps.tombstones.close(orgId, erasureId, Date.now());
    // Rows acknowledged after the first look at the hot tier and before the close: their queued
    // copies are the tombstone's, but reads would show them until a worker drops them.
    const late = (await this.deps.hotTier.find(filter)).filter((r) => r.timeUs <= closedAtMs * 1000);
    if (late.length > 0) {
      await this.deps.hotTier.remove(orgId, late.map((r) => r.id));
      await this.counted(erasure, late.length);
    }
    const receipt = await this.deps.erasures.get(orgId, erasureId);
    const audit = {
      actor: erasure.actor,
      orgId,
      action: 'memories.erase',
      target: `erasure:${erasureId}`,
      outcome: 'ok' as const,
      detail: { kind: erasure.kind, filter: erasure.filter, matched: receipt?.matched ?? null, erased: receipt?.erased ?? 0 },
    };
    // The receipt's end and its audit event in one transaction: a crash leaves both or neither.
    await this.deps.erasures.finish(erasureId, new Date(closedAtMs), (tx) => this.deps.audit.record(audit, tx));
    this.deps.metrics.erasures.inc({ kind: erasure.kind, outcome: 'ok' });
    this.deps.logger.info({ orgId, erasureId, kind: erasure.kind, erased: receipt?.erased }, 'erasure done');
    if (erasure.kind === 'org') await this.deps.deleteOrg(orgId);
  }

  /**
   * Deletes these ids, bounded by their time range so the store opens only those partitions: the
   * fallback when the store refuses the erasure's filter in a delete (Arc refuses a predicate
   * holding a word such as `load` or `set` anywhere, even inside a quoted agent name or tag;
   * memory ids never hold one).
   */
  private deleteIds(store: MemoryStore, orgId: string, ids: string[], page: readonly MemoryRecord[]): Promise<number> {
    const wanted = new Set(ids);
    const { minUs, maxUs } = timeRange(page.filter((r) => wanted.has(r.id)));
    return store.delete({ orgId, ids, sinceUs: minUs - 1, untilUs: maxUs + 1 });
  }

  /** How many of the hot tier's rows the store does not show yet (one bounded id query). */
  private async notStored(store: MemoryStore, orgId: string, hot: readonly MemoryRecord[]): Promise<number> {
    if (hot.length === 0) return 0;
    const { minUs, maxUs } = timeRange(hot);
    const visible = await store.findVisibleIds(orgId, hot.map((r) => r.id), minUs, maxUs);
    return hot.filter((r) => !visible.has(r.id)).length;
  }

  private async counted(erasure: ErasureRow, rows: number): Promise<void> {
    await this.deps.erasures.addErased(erasure.id, rows);
    this.deps.metrics.erasedRows.inc({ kind: erasure.kind }, rows);
  }

  /** The store refused the erasure: the tenant reads why (the store's own words stay in the log). */
  private async failed(orgId: string, erasureId: string, error: StoreRefusedError | StoreRejectedError): Promise<void> {
    this.deps.logger.warn({ orgId, erasureId, err: error.detail ?? error.message }, 'erasure failed: the store refused it');
    const reason = error instanceof StoreRefusedError ? `the store refused the delete (${error.status ?? 'no status'}): its binding needs a token that may delete (Arc: admin)` : `the store rejected the delete: ${error.message}`;
    await this.giveUp(orgId, erasureId, reason);
  }

  /**
   * Ends the erasure as failed. Its tombstone goes, so the writes it held back land after all (the
   * hot tier's rows it removed come back to reads once they are stored): nothing is lost.
   */
  async giveUp(orgId: string, erasureId: string, reason: string): Promise<void> {
    await this.deps.tombstones.remove(orgId, erasureId);
    await this.deps.erasures.fail(erasureId, reason);
    const erasure = await this.deps.erasures.get(orgId, erasureId);
    await this.deps.audit.record({ actor: erasure?.actor ?? 'ingest-worker', orgId, action: 'memories.erase', target: `erasure:${erasureId}`, outcome: 'failed', detail: { kind: erasure?.kind, reason } });
    this.deps.metrics.erasures.inc({ kind: erasure?.kind ?? 'unknown', outcome: 'failed' });
  }
}
