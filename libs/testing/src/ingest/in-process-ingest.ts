import { INGEST_MEMORIES_V1, MemoryFilter, MemoryRecord, TraceContext } from '@memtrace/contracts';
import { BatcherSettings, DeadLetterService, ErasedIds, ForgetTombstone, ForgetTombstones, HotTier, ingestProcessor, OrgBatcher, RefusedBatch, VisibilityEstimate } from '@memtrace/ingest';
import { Metrics } from '@memtrace/observability';
import { MemoryStore, StoreRegistry } from '@memtrace/store';
import type { Job } from 'bullmq';
import pino from 'pino';

/**
 * The consumer's batcher and job processor driven in-process, for fast unit specs: a scripted store,
 * deleted ids and erasure filters in memory, and dead letters as a list. What the real pipeline
 * adds around them (Redis, BullMQ, the scheduler) is tested with the real parts in
 * libs/ingest/src/consumer/*.int-spec.ts and the e2e suites.
 */

export const FAST_BATCHER_SETTINGS: BatcherSettings = { batchRows: 100, batchMs: 1, retryBaseMs: 1, retryMaxDelayMs: 2, confirmTimeoutMs: 1_000, refusedWriteAttempts: 5 };

/**
 * A store that fails each write with the next scripted error, then accepts and shows every row; and
 * each visibility check with the next scripted error, then answers from what it holds.
 */
export class ScriptedStore {
  /** As Arc: accepted rows must be confirmed (here they are visible at once, but the batcher cannot know). */
  readonly writesVisibleOnCommit: boolean = false;
  readonly rows = new Map<string, MemoryRecord>();
  writes = 0;
  visibilityChecks = 0;
  /** Runs during each accepted write (e.g. a deletion arriving meanwhile). */
  duringWrite?: (records: readonly MemoryRecord[]) => void;

  constructor(
    private readonly writeFailures: Array<() => Error> = [],
    private readonly confirmFailures: Array<() => Error> = [],
  ) {}

  async write(records: readonly MemoryRecord[]): Promise<void> {
    this.writes += 1;
    const failure = this.writeFailures.shift();
    if (failure) throw failure();
    for (const r of records) this.rows.set(r.id, r);
    this.duringWrite?.(records);
  }

  async delete(filter: MemoryFilter): Promise<number> {
    const ids = filter.ids ?? [];
    for (const id of ids) this.rows.delete(id);
    return ids.length;
  }

  async findVisibleIds(_orgId: string, ids: readonly string[]): Promise<Set<string>> {
    this.visibilityChecks += 1;
    const failure = this.confirmFailures.shift();
    if (failure) throw failure();
    return new Set(ids.filter((id) => this.rows.has(id)));
  }
}

/** As the embedded DuckDB: a resolved write has committed its rows, visible to every later query. */
export class CommittingStore extends ScriptedStore {
  override readonly writesVisibleOnCommit = true;
}

/** The deleted-ids set of one org, in memory (the real one is a Redis sorted set: erased-ids.ts). */
export class InMemoryErasedIds {
  readonly ids = new Set<string>();
  async which(_orgId: string, ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.ids.has(id)));
  }
}

/** An org's erasure filters, in memory (the real ones are a Redis hash: forget-tombstones.ts). */
export class InMemoryTombstones {
  readonly tombstones: ForgetTombstone[] = [];
  async all(): Promise<ForgetTombstone[]> {
    return this.tombstones.map((t) => ({ ...t }));
  }
}

export interface InProcessIngestOptions {
  orgId?: string;
  settings?: BatcherSettings;
  erased?: InMemoryErasedIds;
  tombstones?: InMemoryTombstones;
  visibility?: VisibilityEstimate;
}

export interface DeadLetter {
  jobId: string | undefined;
  reason: string;
  kind: string;
}

/** One org's batcher over `store`, and its processor; everything they report is recorded. */
export function inProcessIngest(store: ScriptedStore, options: InProcessIngestOptions = {}) {
  const orgId = options.orgId ?? 'org_a';
  const released: string[] = [];
  const refusals: RefusedBatch[] = [];
  const stored: string[] = [];
  const deadLetters: DeadLetter[] = [];
  const metrics = new Metrics();
  const batcher = new OrgBatcher(orgId, options.settings ?? FAST_BATCHER_SETTINGS, {
    stores: { forOrg: async () => store as unknown as MemoryStore } as unknown as StoreRegistry,
    hotTier: { remove: async () => undefined } as unknown as HotTier,
    erased: (options.erased ?? new InMemoryErasedIds()) as unknown as ErasedIds,
    tombstones: (options.tombstones ?? new InMemoryTombstones()) as unknown as ForgetTombstones,
    releaseClaims: async (_orgId, records) => void released.push(...records.map((r) => r.id)),
    metrics,
    logger: pino({ level: 'silent' }),
    onStored: async (_orgId, records) => void stored.push(...records.map((r) => r.id)),
    onRefused: async (_orgId, batch) => void refusals.push(batch),
    visibility: options.visibility,
  });
  const parking = { park: async (_orgId: string, job: Job, reason: string, kind: string) => void deadLetters.push({ jobId: job.id, reason, kind }) } as unknown as DeadLetterService;
  const processor = ingestProcessor(orgId, batcher, parking);
  return {
    batcher,
    /** Runs one job as a worker would: parse, batch, store, confirm; rejects as BullMQ would see it fail. */
    process: (job: Job) => processor(job),
    refusals,
    released,
    stored,
    deadLetters,
    rowsWritten: async () => (await metrics.ingestRowsWritten.get()).values.reduce((sum, v) => sum + v.value, 0),
    inFlight: async () => (await metrics.ingestBatchesInFlight.get()).values[0]?.value ?? 0,
  };
}

let jobs = 0;

/** A job as BullMQ hands it to the processor: `ingest.memories.v1` of `records` unless told otherwise. */
export function ingestJob(records: readonly MemoryRecord[], options: { name?: string; data?: unknown; trace?: TraceContext; redelivered?: boolean } = {}): Job {
  jobs += 1;
  const orgId = records[0]?.orgId ?? 'org_a';
  const memories = records.map(({ orgId: _org, ...memory }) => memory);
  return {
    id: String(jobs),
    name: options.name ?? INGEST_MEMORIES_V1,
    queueName: `ingest-${orgId}`,
    timestamp: Date.now(),
    data: options.data ?? { v: 1, orgId, memories, ...(options.trace ? { trace: options.trace } : {}) },
    attemptsStarted: options.redelivered ? 2 : 1,
    attemptsMade: options.redelivered ? 1 : 0,
    stalledCounter: 0,
  } as unknown as Job;
}
