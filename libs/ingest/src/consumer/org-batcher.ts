import { Context, Link, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { MemoryRecord, TraceContext } from '@memtrace/contracts';
import { contextFrom, inSpan, linkTo, Metrics, tracingEnabled } from '@memtrace/observability';
import { MemoryStore, StoreError, StoreRefusedError, StoreRegistry, StoreRejectedError } from '@memtrace/store';
import { ErasedIds } from '../hot-tier/erased-ids';
import { ForgetTombstone, ForgetTombstones, tombstoneCovers } from '../hot-tier/forget-tombstones';
import { HotTier } from '../hot-tier/hot-tier';
import type { Logger } from 'pino';
import { backoffDelayMs, sleep } from './retry-backoff';

export interface BatcherSettings {
  batchRows: number;
  batchMs: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  confirmTimeoutMs: number;
  /** Writes the store refuses (a 401/403/404-style answer) before the batch is dead-lettered. */
  refusedWriteAttempts: number;
}

/** A batch given up on because the store kept refusing its writes. */
export interface RefusedBatch {
  status?: number;
  rows: number;
  jobs: number;
  attempts: number;
}

export interface BatcherDeps {
  stores: StoreRegistry;
  hotTier: HotTier;
  /** Memories deleted while queued: never written, or deleted again if the deletion came mid-batch. */
  erased: ErasedIds;
  /** Erasures by filter: rows they cover are dropped, or deleted again, like deleted ids. */
  tombstones: ForgetTombstones;
  /** Gives back the dedup claims of rows an erasure dropped, so the same content can be written again. */
  releaseClaims: (orgId: string, records: readonly MemoryRecord[]) => Promise<void>;
  metrics: Metrics;
  logger: Logger;
  /** Told about every confirmed batch (agents' last activity); its failure does not fail the batch. */
  onStored?: (orgId: string, records: readonly MemoryRecord[]) => Promise<void>;
  /** Told once per batch given up on (the audit trail); its failure does not change the outcome. */
  onRefused?: (orgId: string, batch: RefusedBatch) => Promise<void>;
  /** Shared by the process's batchers; a batcher of its own by default. */
  visibility?: VisibilityEstimate;
}

/** The store refused these rows as invalid: retrying cannot help, the job goes to the dead letters. */
export class PoisonBatchError extends Error {}

/**
 * The store refused every write of the batch (`refusedWriteAttempts` times): its binding is wrong
 * (URL, token, permissions, not an Arc server). The jobs go to the dead letters, from where an
 * operator replays them once the binding is fixed, instead of being retried forever.
 */
export class RefusedBatchError extends Error {}

/**
 * How long after a write rows tend to become visible (Arc buffers writes for a while), learnt from
 * confirmed batches and shared by a process's batchers: an org with a few writes never has enough
 * batches of its own to learn it. Stores whose writes are visible on commit (DuckDB) are never
 * polled, so they teach it nothing: their instant answers would only drag the Arc orgs' estimate down.
 */
export class VisibilityEstimate {
  ms = 0;

  /**
   * Tracks about the 90th percentile of how long rows take to show: a first poll that found them
   * waits 4% less next time, one that missed 45% more (at least 5 ms), which balances at one miss in
   * ten. Biased late on purpose: a miss costs the store another query (with thousands of orgs
   * writing small batches, aiming at the typical delay made a third of all queries second polls),
   * waiting longer only holds the batch's jobs a little longer. Under load the store's delay grows
   * and the estimate follows it up.
   */
  learn(foundAtFirstPoll: boolean) {
    this.ms = foundAtFirstPoll ? this.ms * 0.96 : Math.min(MAX_FIRST_CONFIRM_MS, Math.max(this.ms * 1.45, this.ms + 5));
  }
}

/** Ids of the rows some tombstone forgets. */
function forgottenIds(records: readonly MemoryRecord[], tombstones: readonly ForgetTombstone[], queuedAt: ReadonlyMap<string, number>): Set<string> {
  if (tombstones.length === 0) return new Set();
  return new Set(records.filter((r) => tombstones.some((t) => tombstoneCovers(t, r, queuedAt.get(r.id) ?? Date.now()))).map((r) => r.id));
}

/** The process is shutting down before the rows were confirmed: the job must be re-delivered. */
export class BatcherClosedError extends Error {}

interface Pending {
  records: MemoryRecord[];
  /** The enqueue's trace context, from the job. */
  trace?: TraceContext;
  /** When the job was queued (acknowledged): whether a finished erasure still covers its rows. */
  queuedAtMs: number;
  /** Taken before: an earlier attempt may have written its rows already. */
  redelivered: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

const CONFIRM_POLL_MS = [0, 20, 50, 100, 200, 400, 800];
/** Links on one batch span past the parent (the SDK's default limit is 128). */
const MAX_BATCH_LINKS = 127;
const PROCESS_ATTRIBUTES = { 'messaging.system': 'bullmq', 'messaging.operation.type': 'process', 'messaging.operation.name': 'process', 'messaging.destination.template': 'ingest-{org}' };
/** The first confirmation poll never waits longer than this, whatever the store did before. */
const MAX_FIRST_CONFIRM_MS = 1_000;

/**
 * Gathers the rows of many jobs of one org into store batches (size or age trigger), writes each
 * batch, confirms its rows are visible to queries where the store's answer does not already mean
 * so (Arc's 204 only means "buffered"; see `MemoryStore.writesVisibleOnCommit`), trims them from
 * the hot tier, and only then lets the jobs complete. Store outages are retried with backoff for as
 * long as they last; the backlog stays in Redis because the worker's concurrency bounds what it holds.
 */
export class OrgBatcher {
  private pending: Pending[] = [];
  private pendingRows = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private closing = false;
  private readonly visibility: VisibilityEstimate;

  constructor(
    readonly orgId: string,
    private readonly settings: BatcherSettings,
    private readonly deps: BatcherDeps,
  ) {
    this.visibility = deps.visibility ?? new VisibilityEstimate();
  }

  /**
   * Resolves when the rows are durably in the store and visible; rejects with a typed error otherwise.
   * `trace`: the job's trace context, which the batch's span continues (see `inBatchSpan`);
   * `queuedAtMs`: the job's enqueue time; `redelivered`: the job was taken before.
   */
  submit(records: MemoryRecord[], trace?: TraceContext, queuedAtMs = Date.now(), redelivered = false): Promise<void> {
    if (this.closing) return Promise.reject(new BatcherClosedError('worker is shutting down'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ records, trace, queuedAtMs, redelivered, resolve, reject });
      this.pendingRows += records.length;
      if (this.pendingRows >= this.settings.batchRows) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.settings.batchMs);
    });
  }

  get idle(): boolean {
    return this.pending.length === 0 && !this.flushing;
  }

  /** Stops accepting rows and flushes what it holds; rows not confirmed by then are refused. */
  async close(): Promise<void> {
    this.closing = true;
    this.kick();
    await this.flushing;
  }

  private kick() {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
      if (this.pending.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.takeBatch();
      await this.settle(batch);
    }
  }

  /** Whole jobs, up to the batch size (a single larger job goes alone). */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let rows = 0;
    while (this.pending.length > 0 && (batch.length === 0 || rows + this.pending[0].records.length <= this.settings.batchRows)) {
      const next = this.pending.shift()!;
      rows += next.records.length;
      batch.push(next);
    }
    this.pendingRows -= rows;
    return batch;
  }

  private async settle(batch: Pending[]): Promise<void> {
    this.deps.metrics.ingestBatchesInFlight.inc();
    try {
      const records = batch.flatMap((p) => p.records);
      this.deps.metrics.ingestBatchRows.observe(records.length);
      const flushed = this.deps.metrics.ingestFlushDuration.startTimer();
      await this.inBatchSpan(batch, records.length, () => this.writeConfirmed(batch));
      flushed();
      for (const p of batch) p.resolve();
    } catch (error) {
      if (error instanceof PoisonBatchError && batch.length > 1) {
        // Find the poison job(s): write each job on its own.
        for (const p of batch) await this.settle([p]);
        return;
      }
      for (const p of batch) p.reject(error as Error);
    } finally {
      this.deps.metrics.ingestBatchesInFlight.dec();
    }
  }

  /**
   * Writes the batch but for rows deleted (`ErasedIds`) or forgotten (`ForgetTombstones`) while
   * they were queued. A deletion or erasure that came while the batch was written found no row yet,
   * or the row not visible yet: those rows are deleted again once they are (deleters record the id
   * or filter before they delete, so one of the two always sees the row).
   */
  private async writeConfirmed(batch: Pending[]): Promise<void> {
    const records = batch.flatMap((p) => p.records);
    const queuedAt = new Map(batch.flatMap((p) => p.records.map((r) => [r.id, p.queuedAtMs] as const)));
    const [erasedBefore, tombstonesBefore] = await Promise.all([this.deps.erased.which(this.orgId, records.map((r) => r.id)), this.deps.tombstones.all(this.orgId)]);
    const forgottenBefore = forgottenIds(records, tombstonesBefore, queuedAt);
    const kept = records.filter((r) => !erasedBefore.has(r.id) && !forgottenBefore.has(r.id));
    if (kept.length > 0) await this.writeAndConfirm(kept, batch.length);
    const [erasedDuring, tombstonesAfter] = await Promise.all([this.deps.erased.which(this.orgId, kept.map((r) => r.id)), this.deps.tombstones.all(this.orgId)]);
    const known = new Set(tombstonesBefore.map((t) => t.erasureId));
    const forgottenDuring = forgottenIds(kept, tombstonesAfter.filter((t) => !known.has(t.erasureId)), queuedAt);
    // A re-delivered job's rows dropped now may have been written by the attempt that died after
    // writing them and before its check after the write: delete them again (by id; cheap, and rare).
    const redelivered = new Set(batch.filter((p) => p.redelivered).flatMap((p) => p.records.map((r) => r.id)));
    const droppedAgain = records.filter((r) => redelivered.has(r.id) && (erasedBefore.has(r.id) || forgottenBefore.has(r.id))).map((r) => r.id);
    const gone = new Set([...erasedDuring, ...forgottenDuring, ...droppedAgain]);
    if (gone.size > 0) await this.eraseLanded([...gone]);
    const forgotten = records.filter((r) => forgottenBefore.has(r.id) || forgottenDuring.has(r.id));
    if (forgotten.length > 0) {
      await this.deps.releaseClaims(this.orgId, forgotten);
      this.deps.metrics.erasureDroppedRows.inc(forgotten.length);
    }
    await this.deps.hotTier.remove(this.orgId, records.map((r) => r.id));
    const stored = kept.filter((r) => !gone.has(r.id));
    this.deps.metrics.ingestRowsWritten.inc({ org: this.deps.metrics.org(this.orgId) }, stored.length);
    if (stored.length === 0) return;
    await this.deps.onStored?.(this.orgId, stored).catch((error: Error) => {
      this.deps.logger.warn({ orgId: this.orgId, err: error.message }, 'could not record agent activity');
    });
  }

  /** Deletes rows this batch wrote after they were deleted; retried like a write while the store is out. */
  private async eraseLanded(ids: string[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const store = await this.deps.stores.forOrg(this.orgId);
        await this.timed('delete', () => store.delete({ orgId: this.orgId, ids }));
        return;
      } catch (error) {
        if (this.closing) throw new BatcherClosedError(`shutting down before deleted rows were erased: ${(error as Error).message}`);
        this.deps.metrics.ingestRetries.inc({ org: this.deps.metrics.org(this.orgId), stage: 'delete' });
        await sleep(backoffDelayMs(attempt, this.settings.retryBaseMs, this.settings.retryMaxDelayMs));
      }
    }
  }

  private async writeAndConfirm(records: MemoryRecord[], jobs: number): Promise<void> {
    let remaining = records;
    let refusedWrites = 0;
    for (let attempt = 0; ; attempt++) {
      let stage: 'open' | 'write' | 'confirm' = 'open';
      try {
        const store = await this.deps.stores.forOrg(this.orgId);
        stage = 'write';
        await this.timed('write', () => store.write(remaining));
        // The resolved write is itself the confirmation: polling would only cost the store a query.
        if (store.writesVisibleOnCommit) break;
        stage = 'confirm';
        remaining = await this.confirm(store, remaining);
        if (remaining.length === 0) break;
        throw new Error(`${remaining.length} rows not visible after ${this.settings.confirmTimeoutMs} ms`);
      } catch (error) {
        // Operator-only from here on (log, dead letter): the store's own words are fine to keep.
        const reason = error instanceof StoreError ? (error.detail ?? error.message) : (error as Error).message;
        if (error instanceof StoreRejectedError) throw new PoisonBatchError(reason);
        // Only refused writes count: a refused confirmation query comes after rows the store
        // accepted, and dead-lettering those would make a replay write them twice.
        if (error instanceof StoreRefusedError && stage === 'write' && ++refusedWrites >= this.settings.refusedWriteAttempts) {
          await this.deps.onRefused?.(this.orgId, { status: error.status, rows: remaining.length, jobs, attempts: refusedWrites }).catch((failure: Error) => {
            this.deps.logger.warn({ orgId: this.orgId, err: failure.message }, 'could not record the refused batch');
          });
          throw new RefusedBatchError(`the store refused ${refusedWrites} writes: ${reason}`);
        }
        if (this.closing) throw new BatcherClosedError(`shutting down with unconfirmed rows: ${reason}`);
        this.deps.metrics.ingestRetries.inc({ org: this.deps.metrics.org(this.orgId), stage: 'write' });
        const delay = backoffDelayMs(attempt, this.settings.retryBaseMs, this.settings.retryMaxDelayMs);
        this.deps.logger.warn({ orgId: this.orgId, rows: remaining.length, attempt, delayMs: delay, err: reason }, 'store write failed; retrying');
        await sleep(delay);
      }
    }
  }

  /**
   * Polls the batch's ids (one query, bounded by its time range) until all are visible; returns the
   * missing rows. The first poll waits about as long as rows took to become visible before
   * (`VisibilityEstimate`), so a batch usually costs one confirmation query, not one per step of the
   * schedule: with thousands of orgs writing small batches, those queries were most of the store's load.
   */
  private async confirm(store: MemoryStore, records: MemoryRecord[]): Promise<MemoryRecord[]> {
    let missing = records;
    const started = Date.now();
    for (let poll = 0; missing.length > 0; poll++) {
      const wait = poll === 0 ? Math.round(this.visibility.ms) : CONFIRM_POLL_MS[Math.min(poll, CONFIRM_POLL_MS.length - 1)];
      if (Date.now() - started + wait > this.settings.confirmTimeoutMs) break;
      if (wait > 0) await sleep(wait);
      const times = missing.map((r) => r.timeUs);
      const visible = await this.timed('confirm', () =>
        store.findVisibleIds(this.orgId, missing.map((r) => r.id), Math.min(...times), Math.max(...times)),
      );
      missing = missing.filter((r) => !visible.has(r.id));
      if (missing.length === 0) this.visibility.learn(poll === 0);
    }
    return missing;
  }


  /**
   * One CONSUMER span per batch (messaging conventions, `process ingest`), the store's spans below it.
   * A batch gathers the jobs of many requests: the span is a child of the first traced job's enqueue,
   * so that request's trace runs on from the HTTP request to the store write, and it links to the
   * other jobs' enqueues, so the batch names every request it wrote (one span per batch, not per job).
   */
  private inBatchSpan(batch: Pending[], rows: number, write: () => Promise<void>): Promise<void> {
    if (!tracingEnabled()) return write();
    const origins = batch.map((p) => contextFrom(p.trace)).filter((c): c is Context => c !== undefined);
    const links = origins
      .slice(1, 1 + MAX_BATCH_LINKS)
      .map(linkTo)
      .filter((l): l is Link => l !== undefined);
    const attributes = { ...PROCESS_ATTRIBUTES, 'messaging.batch.message_count': batch.length, 'memtrace.org.id': this.orgId, 'memtrace.memory.count': rows };
    return inSpan('process ingest', { kind: SpanKind.CONSUMER, parent: origins[0] ?? ROOT_CONTEXT, links, attributes }, write);
  }

  private async timed<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const end = this.deps.metrics.storeLatency.startTimer({ org: this.deps.metrics.org(this.orgId), operation });
    try {
      return await run();
    } catch (error) {
      this.deps.metrics.storeErrors.inc({ org: this.deps.metrics.org(this.orgId), operation });
      throw error;
    } finally {
      end();
    }
  }
}
