import { StoreRefusedError, StoreUnavailableError } from '@memtrace/store';
import { CommittingStore, FAST_BATCHER_SETTINGS as SETTINGS, ingestJob, InMemoryErasedIds, InMemoryTombstones, inProcessIngest, memoryRecord as aRecord, ScriptedStore } from '@memtrace/testing';
import { UnrecoverableError } from 'bullmq';
import { RefusedBatchError, VisibilityEstimate } from './org-batcher';

const refused = () => new StoreRefusedError('the store answered HTTP 404', { status: 404, detail: 'Cannot POST /api/v1/write/msgpack' });
const down = () => new StoreUnavailableError('the store answered HTTP 503', { status: 503 });

function batcherOn(store: ScriptedStore, erased = new InMemoryErasedIds(), tombstones = new InMemoryTombstones(), visibility?: VisibilityEstimate) {
  return inProcessIngest(store, { erased, tombstones, visibility });
}

const always = (error: () => Error) => Array.from({ length: 1_000 }, () => error);

describe('OrgBatcher and a store that refuses or fails writes', () => {
  it('reports a batch in flight from its write until its jobs complete (what a fault test waits for)', async () => {
    const store = new ScriptedStore([]);
    let writing!: () => void;
    const written = new Promise<void>((resolve) => (writing = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    store.duringWrite = () => writing();
    const slowWrite = store.write.bind(store);
    store.write = async (records) => {
      await slowWrite(records);
      await held;
    };
    const { batcher, inFlight } = batcherOn(store);
    expect(await inFlight()).toBe(0);
    const job = batcher.submit([aRecord()]);
    await written;
    expect(await inFlight()).toBe(1);
    release();
    await job;
    expect(await inFlight()).toBe(0);
  });

  it('gives a batch up after the configured number of refused writes, once for all its jobs, and reports it', async () => {
    const store = new ScriptedStore(always(refused));
    const { batcher, refusals } = batcherOn(store);
    const jobs = [batcher.submit([aRecord(), aRecord()]), batcher.submit([aRecord()])];
    const outcomes = await Promise.allSettled(jobs);

    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(RefusedBatchError);
      expect((outcome as PromiseRejectedResult).reason.message).toContain('Cannot POST');
    }
    // Not split job by job as rows the store rejects as invalid are: the binding is at fault.
    expect(store.writes).toBe(SETTINGS.refusedWriteAttempts);
    expect(refusals).toEqual([{ status: 404, rows: 3, jobs: 2, attempts: SETTINGS.refusedWriteAttempts }]);
  });

  it('keeps retrying an unavailable store (5xx, timeouts) past that bound, so an outage loses nothing', async () => {
    const outage = SETTINGS.refusedWriteAttempts * 3;
    const store = new ScriptedStore(Array.from({ length: outage }, () => down));
    const { batcher, refusals } = batcherOn(store);
    const record = aRecord();
    await batcher.submit([record]);
    expect(store.writes).toBe(outage + 1);
    expect([...store.rows.keys()]).toEqual([record.id]);
    expect(refusals).toEqual([]);
  });

  it('does not count refusals of the visibility check: those rows were accepted, and a replay would write them twice', async () => {
    const store = new ScriptedStore([], always(refused).slice(0, SETTINGS.refusedWriteAttempts * 2));
    const { batcher, refusals } = batcherOn(store);
    await batcher.submit([aRecord()]);
    expect(refusals).toEqual([]);
  });

  it('a write refused fewer times than the bound (a binding being fixed) still lands', async () => {
    const store = new ScriptedStore(always(refused).slice(0, SETTINGS.refusedWriteAttempts - 1));
    const { batcher, refusals } = batcherOn(store);
    await batcher.submit([aRecord()]);
    expect(store.writes).toBe(SETTINGS.refusedWriteAttempts);
    expect(store.rows.size).toBe(1);
    expect(refusals).toEqual([]);
  });
});

describe('OrgBatcher and whether a store shows its writes on commit', () => {
  it('completes the jobs of a store whose writes are visible on commit without a visibility query, and learns nothing from them', async () => {
    const store = new CommittingStore([]);
    const visibility = new VisibilityEstimate();
    visibility.ms = 300; // what Arc orgs of the same process taught it
    const { batcher, stored, rowsWritten } = batcherOn(store, undefined, undefined, visibility);
    const records = [aRecord(), aRecord(), aRecord()];
    await Promise.all([batcher.submit(records.slice(0, 2)), batcher.submit(records.slice(2))]);
    expect(store.visibilityChecks).toBe(0);
    expect([...store.rows.keys()]).toEqual(records.map((r) => r.id));
    expect(stored).toEqual(records.map((r) => r.id));
    expect(await rowsWritten()).toBe(3);
    expect(visibility.ms).toBe(300);
  });

  it('still retries a failed write of such a store until it lands', async () => {
    const store = new CommittingStore([down, down]);
    const { batcher, rowsWritten } = batcherOn(store);
    await batcher.submit([aRecord()]);
    expect(store.writes).toBe(3);
    expect(store.visibilityChecks).toBe(0);
    expect(await rowsWritten()).toBe(1);
  });

  it('confirms the rows of a store that may only buffer them, and learns how soon they showed', async () => {
    const store = new ScriptedStore([]);
    const visibility = new VisibilityEstimate();
    visibility.ms = 20;
    const { batcher, stored, rowsWritten } = batcherOn(store, undefined, undefined, visibility);
    const record = aRecord();
    await batcher.submit([record]);
    expect(store.visibilityChecks).toBe(1);
    expect(stored).toEqual([record.id]);
    expect(await rowsWritten()).toBe(1);
    expect(visibility.ms).toBeCloseTo(19.2); // found at the first poll: a little sooner next time
  });
});

describe('VisibilityEstimate', () => {
  /** Polls as the batcher does ([estimate, 20, 50, 100, …] ms after the write) a store whose rows show after `showsAfterMs`; returns the queries. */
  function confirmOnce(estimate: VisibilityEstimate, showsAfterMs: number): number {
    const steps = [estimate.ms, 20, 50, 100, 200, 400, 800];
    let elapsed = 0;
    for (let poll = 0; ; poll++) {
      elapsed += steps[Math.min(poll, steps.length - 1)];
      if (elapsed >= showsAfterMs) {
        estimate.learn(poll === 0);
        return poll + 1;
      }
    }
  }

  it('waits longer after a miss, at least 5 ms more, a little less after a hit, never over a second', () => {
    const estimate = new VisibilityEstimate();
    expect(estimate.ms).toBe(0);
    estimate.learn(false);
    expect(estimate.ms).toBe(5);
    estimate.learn(false);
    estimate.learn(false);
    expect(estimate.ms).toBe(15);
    estimate.learn(true);
    expect(estimate.ms).toBeCloseTo(14.4);
    for (let i = 0; i < 40; i++) estimate.learn(false);
    expect(estimate.ms).toBe(1_000);
  });

  it('settles at about one second poll in ten, for a steady delay and for one that varies with load', () => {
    // A deterministic spread of delays: 100 ms flat, then 50–300 ms.
    const steady = new VisibilityEstimate();
    const varying = new VisibilityEstimate();
    let [steadyQueries, varyingQueries] = [0, 0];
    const batches = 2_000;
    for (let i = 0; i < batches; i++) {
      steadyQueries += confirmOnce(steady, 100);
      varyingQueries += confirmOnce(varying, 50 + ((i * 7919) % 251));
    }
    expect(steadyQueries / batches).toBeLessThan(1.15);
    expect(varyingQueries / batches).toBeLessThan(1.2);
    expect(steady.ms).toBeGreaterThan(95);
    expect(steady.ms).toBeLessThan(160);
    expect(varying.ms).toBeGreaterThan(200); // about the 90th percentile of 50–300 ms
  });
});

describe('OrgBatcher and memories deleted while queued', () => {
  it('never writes a row deleted before its batch, and still completes its job', async () => {
    const store = new ScriptedStore([]);
    const erased = new InMemoryErasedIds();
    const { batcher } = batcherOn(store, erased);
    const [deleted, kept] = [aRecord(), aRecord()];
    erased.ids.add(deleted.id);
    await batcher.submit([deleted, kept]);
    expect([...store.rows.keys()]).toEqual([kept.id]);
  });

  it('writes nothing for a batch whose rows were all deleted', async () => {
    const store = new ScriptedStore([]);
    const erased = new InMemoryErasedIds();
    const { batcher } = batcherOn(store, erased);
    const record = aRecord();
    erased.ids.add(record.id);
    await batcher.submit([record]);
    expect(store.writes).toBe(0);
  });

  it('deletes a row again when its deletion came while the batch was being written', async () => {
    const store = new ScriptedStore([]);
    const erased = new InMemoryErasedIds();
    const { batcher } = batcherOn(store, erased);
    const [deleted, kept] = [aRecord(), aRecord()];
    // The deleter found no visible row yet: only the batcher's check after the write can catch it.
    store.duringWrite = () => erased.ids.add(deleted.id);
    await batcher.submit([deleted, kept]);
    expect([...store.rows.keys()]).toEqual([kept.id]);
  });
});

describe('OrgBatcher and erasures by filter (tombstones)', () => {
  const inSession = (sessionId: string) => ({ ...aRecord(), sessionId });

  it('drops the rows an open erasure covers, writes the others, and gives back the dropped rows\' dedup claims', async () => {
    const store = new ScriptedStore([]);
    const tombstones = new InMemoryTombstones();
    const { batcher, released } = batcherOn(store, undefined, tombstones);
    tombstones.tombstones.push({ erasureId: 'e1', filter: { sessionId: 'sess_gone' } });
    const [gone, kept] = [inSession('sess_gone'), inSession('sess_kept')];
    await batcher.submit([gone, kept]);
    expect([...store.rows.keys()]).toEqual([kept.id]);
    expect(released).toEqual([gone.id]);
  });

  it('deletes a covered row again when the erasure started while its batch was written', async () => {
    const store = new ScriptedStore([]);
    const tombstones = new InMemoryTombstones();
    const { batcher, released } = batcherOn(store, undefined, tombstones);
    const [gone, kept] = [inSession('sess_gone'), inSession('sess_kept')];
    store.duringWrite = () => tombstones.tombstones.push({ erasureId: 'e1', filter: { sessionId: 'sess_gone' } });
    await batcher.submit([gone, kept]);
    expect(store.writes).toBe(1);
    expect([...store.rows.keys()]).toEqual([kept.id]);
    expect(released).toEqual([gone.id]);
  });

  it('lets a finished erasure cover rows queued before it closed, not rows queued after', async () => {
    const store = new ScriptedStore([]);
    const tombstones = new InMemoryTombstones();
    const { batcher } = batcherOn(store, undefined, tombstones);
    tombstones.tombstones.push({ erasureId: 'e1', filter: { sessionId: 'sess_gone' }, closedAtMs: 1_000 });
    const [before, after] = [inSession('sess_gone'), inSession('sess_gone')];
    await Promise.all([batcher.submit([before], undefined, 999), batcher.submit([after], undefined, 1_001)]);
    expect([...store.rows.keys()]).toEqual([after.id]);
  });

  it('deletes again the covered rows of a re-delivered job: the attempt that died may have written them', async () => {
    const store = new ScriptedStore([]);
    const tombstones = new InMemoryTombstones();
    const { batcher } = batcherOn(store, undefined, tombstones);
    const gone = inSession('sess_gone');
    store.rows.set(gone.id, gone);
    tombstones.tombstones.push({ erasureId: 'e1', filter: { sessionId: 'sess_gone' } });
    await batcher.submit([gone], undefined, Date.now(), true);
    expect(store.writes).toBe(0);
    expect(store.rows.size).toBe(0);
  });

  it('matches the erasure filter as reads do: every tag required, times exclusive', async () => {
    const store = new ScriptedStore([]);
    const tombstones = new InMemoryTombstones();
    const { batcher } = batcherOn(store, undefined, tombstones);
    const base = aRecord();
    tombstones.tombstones.push({ erasureId: 'e1', filter: { tags: ['a', 'b'], sinceUs: base.timeUs } });
    const both = { ...aRecord(), tags: ['a', 'b', 'c'] };
    const one = { ...aRecord(), tags: ['a'] };
    const atBound = { ...base, tags: ['a', 'b'] };
    await batcher.submit([both, one, atBound]);
    expect([...store.rows.keys()].sort()).toEqual([one.id, atBound.id].sort());
  });
});

describe('ingestProcessor', () => {
  it('dead-letters the job as store-refused and fails it without a retry', async () => {
    const { process, deadLetters } = batcherOn(new ScriptedStore(always(refused)));
    const job = ingestJob([aRecord()]);
    await expect(process(job)).rejects.toThrow(UnrecoverableError);
    expect(deadLetters).toEqual([{ jobId: job.id, kind: 'store-refused', reason: expect.stringContaining('refused 5 writes') }]);
  });

  it('dead-letters a payload failing its contract, or of a job name it has no handler for, and writes nothing', async () => {
    const store = new ScriptedStore();
    const { process, deadLetters } = batcherOn(store);
    const record = aRecord();
    const broken = ingestJob([record], { data: { v: 1, orgId: 'org_a', memories: [{ ...record, orgId: undefined, memoryType: 'dream' }] } });
    const future = ingestJob([record], { name: 'ingest.memories.v9' });
    const foreign = ingestJob([{ ...record, orgId: 'org_b' }]);
    for (const job of [broken, future, foreign]) await expect(process(job)).rejects.toThrow(UnrecoverableError);
    expect(deadLetters.map(({ kind, reason }) => ({ kind, reason }))).toEqual([
      { kind: 'invalid-payload', reason: expect.stringContaining('memories.0.memoryType') },
      { kind: 'invalid-payload', reason: "no handler for job name 'ingest.memories.v9'" },
      { kind: 'invalid-payload', reason: "payload of org 'org_b' found in the queue of 'org_a'" },
    ]);
    expect(store.writes).toBe(0);
  });

  it('stores a valid job\'s rows under the queue\'s org and completes it', async () => {
    const store = new ScriptedStore();
    const { process, deadLetters, stored } = batcherOn(store);
    const records = [aRecord(), aRecord()];
    await process(ingestJob(records));
    expect([...store.rows.values()]).toEqual(records);
    expect(stored).toEqual(records.map((r) => r.id));
    expect(deadLetters).toEqual([]);
  });
});
